/**
 * Catalogues the STP document names. Only "Type Account" values and the institution keys are
 * well known; the federative entities follow INEGI's numbering (the example "1" = Aguascalientes).
 * The economic-activity and country-of-birth catalogues are not in the document: numeric codes are
 * accepted (see README).
 */
export const STP_FEDERAL_ENTITIES: Readonly<Record<string, string>> = Object.freeze({
  '1': 'Aguascalientes',
  '2': 'Baja California',
  '3': 'Baja California Sur',
  '4': 'Campeche',
  '5': 'Coahuila',
  '6': 'Colima',
  '7': 'Chiapas',
  '8': 'Chihuahua',
  '9': 'Ciudad de México',
  '10': 'Durango',
  '11': 'Guanajuato',
  '12': 'Guerrero',
  '13': 'Hidalgo',
  '14': 'Jalisco',
  '15': 'Estado de México',
  '16': 'Michoacán',
  '17': 'Morelos',
  '18': 'Nayarit',
  '19': 'Nuevo León',
  '20': 'Oaxaca',
  '21': 'Puebla',
  '22': 'Querétaro',
  '23': 'Quintana Roo',
  '24': 'San Luis Potosí',
  '25': 'Sinaloa',
  '26': 'Sonora',
  '27': 'Tabasco',
  '28': 'Tamaulipas',
  '29': 'Tlaxcala',
  '30': 'Veracruz',
  '31': 'Yucatán',
  '32': 'Zacatecas',
});

/** Catalog Type Account. */
export const STP_ACCOUNT_TYPES = Object.freeze({ CLABE: '40', DEBIT_CARD: '3', MOBILE_PHONE: '10' } as const);

/** SPEI OUT webhook `status`: 1 = settled (example: "Liquidación"); 0 = returned (our choice, mirrors CLABE status 1/0). */
export const STP_ORDER_STATUS = Object.freeze({ SETTLED: 1, RETURNED: 0 } as const);

/** CLABE status webhook `status`. */
export const STP_CLABE_STATUS = Object.freeze({ ACTIVE: 1, INACTIVE: 0 } as const);

/** The most an order may carry: 999,999,999,999.99 (in centavos). */
export const STP_MAX_AMOUNT_CENTAVOS = 99_999_999_999_999n;
