import type { Money } from '../money.js';

export interface ProgramClient {
  readonly clientId: string;
  readonly name: string;
  readonly alias?: string;
  readonly code?: string;
  readonly email?: string;
  /** Main balance available for disbursements. */
  readonly available: Money;
  /** Collection balance (withdrawals and purchases land here). */
  readonly balance?: Money;
  readonly timezone?: string;
  readonly status?: string;
}

export interface ProgramPublicKeys {
  readonly clientId?: string;
  /** The public key the provider encrypts responses with (ours), PEM. */
  readonly clientPublicKey?: string;
  readonly apiKeyId?: string;
  /** The provider's key we encrypt requests with, PEM. */
  readonly systemPublicKey?: string;
}

export interface ContactPerson {
  readonly name: string;
  readonly secondName?: string;
  readonly surname: string;
  readonly secondSurname?: string;
  readonly email: string;
  readonly phoneCountryCode: string;
  readonly phone: string;
  readonly mobilePhoneCountryCode: string;
  readonly mobilePhone: string;
}

export interface NewSubClient {
  readonly name: string;
  readonly alias: string;
  readonly email: string;
  /** Initial available balance, taken from ours. */
  readonly initialAvailable: Money;
  readonly phone: string;
  readonly mobilePhone: string;
  readonly rfc: string;
  readonly address: {
    readonly street: string;
    readonly externalNumber: string;
    readonly internalNumber?: string;
    readonly suburb: string;
    readonly township: string;
    readonly city: string;
    readonly state: string;
    readonly postalCode: string;
  };
  readonly contact: ContactPerson;
  readonly legalRepresentative?: Partial<ContactPerson>;
  readonly apiKey: { readonly name: string; readonly description?: string; readonly password: string };
}

export interface SubClient {
  readonly clientId: string;
  readonly code?: string;
  readonly name: string;
  readonly available: Money;
  readonly rfc?: string;
  readonly apiKey?: { readonly id?: string; readonly alias?: string; readonly description?: string };
}

export interface FundingResult {
  readonly client: { readonly clientId: string; readonly name?: string; readonly available: Money };
  readonly subClient: { readonly clientId: string; readonly name?: string; readonly available: Money };
}

export interface Product {
  readonly productId: string;
  readonly name: string;
  readonly description?: string;
  readonly countryCode?: string;
  readonly currencyCode?: string;
  readonly type?: { readonly key: string; readonly value?: string };
  readonly status?: { readonly key: string; readonly value?: string };
  readonly affinityGroup?: string;
  readonly stockCards?: number;
  readonly allowBlankCurp?: boolean;
  readonly allowBlankRfc?: boolean;
}

export type CatalogName = 'card_status' | 'document_types' | 'states' | 'marital_status' | 'gender';
export const CATALOG_NAMES: readonly CatalogName[] = ['card_status', 'document_types', 'states', 'marital_status', 'gender'];

export interface CatalogEntry {
  readonly key: string;
  readonly value: string;
  readonly description?: string;
}

/** The program itself: client and sub-clients, funding, public keys, products, catalogs. */
export abstract class ProgramAdmin {
  abstract readonly provider: string;

  abstract getClient(): Promise<ProgramClient>;
  abstract getPublicKeys(): Promise<ProgramPublicKeys>;
  abstract registerPublicKey(publicKeyPem: string): Promise<ProgramPublicKeys>;
  /** Our public key (PEM): the half of our configured private key the provider must hold to encrypt to us. */
  abstract ourPublicKey(): string;
  abstract createSubClient(input: NewSubClient): Promise<SubClient>;
  abstract fundSubClient(subClientId: string, amount: Money): Promise<FundingResult>;
  abstract listProducts(): Promise<Product[]>;
  abstract getCatalog(name: CatalogName): Promise<CatalogEntry[]>;
}
