import {
  maskPan,
  Money,
  ProviderUnavailableError,
  type CardAccount,
  type Cardholder,
  type CardMovement,
  type CardSummary,
  type CardType,
  type CatalogEntry,
  type GeoLocation,
  type NewCardholder,
  type NewSubClient,
  type Product,
  type RecentMovement,
  type SpeiInstitutionEntry,
} from '#libs/domain';
import { PROVIDER } from './necipco.errors.js';
import type * as W from './wire/index.js';

/** Provider amounts (JSON numbers or decimal strings) → Money, exactly; a malformed one is the provider's fault. */
export function money(value: unknown, field: string): Money {
  try {
    return Money.parse(value as string | number);
  } catch {
    throw new ProviderUnavailableError(PROVIDER, `NeCIPCo sent an invalid amount in ${field}`, { provider: PROVIDER, field });
  }
}

export function optionalMoney(value: unknown, field: string): Money | undefined {
  return value === undefined || value === null || value === '' ? undefined : money(value, field);
}

/** The document spells PHYSICAL and PHISYCAL; domain says PHYSICAL. */
export function cardType(value: string | undefined): CardType | undefined {
  if (!value) return undefined;
  const v = value.toUpperCase();
  if (v === 'PHISYCAL' || v === 'PHYSICAL') return 'PHYSICAL';
  if (v === 'VIRTUAL') return 'VIRTUAL';
  if (v === 'VIRTUAL_WITH_PHYSICAL' || v === 'VIRTUAL_WITH_PHISYCAL') return 'VIRTUAL_WITH_PHYSICAL';
  return undefined;
}

/** Whatever the provider gives, only the last four digits survive. */
export function masked(value: string | undefined): string {
  return maskPan(value ?? '');
}

export function card(c: W.WireCard & { card_number?: unknown }): CardSummary {
  const shown = c.masked_card_number ?? (typeof c.card_number === 'string' && c.card_number.includes('*') ? c.card_number : undefined);
  return { cardId: c.id, maskedPan: masked(shown), type: cardType(c.type ?? c.card_type), status: c.status };
}

export function account(a: W.WireAccountRef | undefined): CardAccount {
  return { accountId: a?.id ?? '', reference: a?.reference === undefined || a?.reference === null ? undefined : String(a.reference), clabe: a?.clabe ?? null };
}

export function cardAndAccount(d: W.WireCardAndAccount) {
  return { card: card(d.card), account: account(d.account) };
}

export function location(l: GeoLocation): { latitude: string | number; longitude: string | number } {
  return { latitude: l.latitude, longitude: l.longitude };
}

export function cardholder(w: W.WireCardholder): Cardholder {
  const a = w.address;
  return {
    cardholderId: w.id,
    firstName: w.first_name,
    secondName: w.second_name,
    surname: w.surname,
    secondSurname: w.second_surname,
    rfc: w.rfc,
    curp: w.curp,
    email: w.email,
    primaryPhone: w.primary_phone,
    mobilePhone: w.mobile_phone,
    address: a
      ? {
          street: a.street,
          externalNumber: a.external_street_number,
          internalNumber: a.internal_street_number,
          suburb: a.suburb,
          township: a.township,
          city: a.city,
          state: a.state,
          postalCode: a.postal_code,
          country: a.country,
        }
      : undefined,
    birthdate: w.birthdate,
    gender: w.gender,
    maritalStatus: w.marital_status,
    hasKids: w.has_kids,
    externalId: w.external_id,
    accounts: (w.accounts ?? []).map((acc) => ({
      accountId: acc.id,
      reference: acc.account_number === undefined ? undefined : String(acc.account_number),
      status: acc.status,
      createdAt: acc.creation_date,
      activatedAt: acc.activation_date ?? null,
      document: acc.document,
      cards: (acc.cards ?? []).map((c) => ({ cardId: c.id, maskedPan: maskPan(c.last_four), status: c.status, assignedAt: c.assignation_date })),
    })),
  };
}

export function newCardholderToWire(n: NewCardholder): W.CreateCardholderRequest<Money> {
  return {
    first_name: n.firstName,
    second_name: n.secondName,
    surname: n.surname,
    second_surname: n.secondSurname,
    rfc: n.rfc,
    curp: n.curp,
    email: n.email,
    primary_phone: n.primaryPhone,
    mobile_phone: n.mobilePhone,
    street: n.address.street,
    ext_street_number: n.address.externalNumber,
    int_street_number: n.address.internalNumber,
    suburb: n.address.suburb,
    township: n.address.township,
    city: n.address.city,
    state: n.address.state,
    postal_code: n.address.postalCode,
    birthdate: n.birthdate,
    gender: n.gender,
    marital_status: n.maritalStatus,
    has_kids: n.hasKids,
    gross_monthly_income: n.grossMonthlyIncome,
    net_monthly_income: n.netMonthlyIncome,
    observations: n.observations,
    external_id: n.externalId,
  };
}

/** "20201214" + "195550" → "2020-12-14T19:55:50". */
export function balanceMovement(m: W.WireBalanceMovement): RecentMovement {
  const d = m.fecha ?? '';
  const t = (m.hora ?? '').padStart(6, '0');
  const occurredAt = /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}` : `${d} ${m.hora ?? ''}`.trim();
  return {
    occurredAt,
    merchant: m.comercio ?? null,
    amount: money(m.importe, 'movements.importe'),
    description: m.descripcion_importe ?? null,
    authorizationCode: m.codigo_autorizacion ?? null,
  };
}

export function movement(m: W.WireMovementDetail): CardMovement {
  return {
    movementId: String(m.id),
    referenceId: m.referencial_id,
    occurredAt: (m.date ?? '').replace(' ', 'T'),
    type: m.code ? { code: m.code.type, subtype: m.code.subtype, description: m.code.description } : undefined,
    merchant: m.merchant,
    country: m.country ? { code: m.country.code, description: m.country.description?.trim() } : undefined,
    amount: money(m.amounts?.original?.total, 'movements.amounts.original.total'),
    currencyCode: m.amounts?.original?.coin?.code,
    settledAmount: optionalMoney(m.amounts?.exchanged?.total, 'movements.amounts.exchanged.total'),
    channel: m.channel,
    authorizationCode: m.authorization,
    status: m.status,
    retrievalReference: m.retrieval,
  };
}

export function product(p: W.WireProduct): Product {
  return {
    productId: p.id,
    name: p.name,
    description: p.description,
    countryCode: p.country?.code,
    currencyCode: p.coin?.code,
    type: p.type,
    status: p.status,
    affinityGroup: p.affinity_group,
    stockCards: p.stock_cards,
    allowBlankCurp: p.allow_blank_curp,
    allowBlankRfc: p.allow_blank_rfc,
  };
}

export function catalogEntry(e: W.WireCatalogEntry): CatalogEntry {
  return { key: e.key, value: e.value, description: e.description };
}

export function speiInstitution(i: W.WireSpeiInstitution): SpeiInstitutionEntry {
  return { speiKey: i.clave_institucion, name: i.nombre_institucion, bankCode: i.inicio_clabe };
}

export function newSubClientToWire(n: NewSubClient): W.CreateClientRequest<Money> {
  const lr = n.legalRepresentative ?? {};
  return {
    name: n.name,
    alias: n.alias,
    email: n.email,
    available: n.initialAvailable,
    phone: n.phone,
    mobile_phone: n.mobilePhone,
    rfc: n.rfc,
    street: n.address.street,
    ext_street_number: n.address.externalNumber,
    int_street_number: n.address.internalNumber,
    suburb: n.address.suburb,
    township: n.address.township,
    city: n.address.city,
    state: n.address.state,
    postal_code: n.address.postalCode,
    contact_name: n.contact.name,
    contact_second_name: n.contact.secondName,
    contact_surname: n.contact.surname,
    contact_second_surname: n.contact.secondSurname,
    contact_email: n.contact.email,
    contact_telephone_country_code: n.contact.phoneCountryCode,
    contact_telephone: n.contact.phone,
    contact_mobile_phone_country_code: n.contact.mobilePhoneCountryCode,
    contact_mobile_phone: n.contact.mobilePhone,
    legal_representative_name: lr.name,
    legal_representative_second_name: lr.secondName,
    legal_representative_surname: lr.surname,
    legal_representative_second_surname: lr.secondSurname,
    legal_representative_email: lr.email,
    legal_representative_telephone_country_code: lr.phoneCountryCode,
    legal_representative_telephone: lr.phone,
    legal_representative_mobile_phone_country_code: lr.mobilePhoneCountryCode,
    legal_representative_mobile_phone: lr.mobilePhone,
    api_key_name: n.apiKey.name,
    api_key_description: n.apiKey.description,
    api_key_password: n.apiKey.password,
  };
}

const UUID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/i;

/** The create-client example puts the api key's uuid in `name` and leaves `id` empty; accept both. */
export function apiClientId(a: { id?: string; name?: string } | undefined): string | undefined {
  if (!a) return undefined;
  if (a.id) return a.id;
  return a.name && UUID.test(a.name) ? a.name : undefined;
}
