export interface WireCatalogEntry {
  key: string;
  value: string;
  description?: string;
}

/** Catalog path → the key its answer uses under data (document_types answers under `document_type`). */
export const CATALOG_RESPONSE_KEYS = {
  card_status: 'card_status',
  document_types: 'document_type',
  states: 'states',
  marital_status: 'marital_status',
  gender: 'gender',
} as const;

export type WireCatalogName = keyof typeof CATALOG_RESPONSE_KEYS;

export type CatalogResponseData = Partial<Record<string, WireCatalogEntry[]>>;
