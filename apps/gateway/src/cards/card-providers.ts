import { Inject, Injectable } from '@nestjs/common';
import { CapabilityNotSupportedError, CardFunds, CardIssuing, CardProcessing, CardServicing, ProgramAdmin, SpeiRail, ValidationError } from '#libs/domain';

export type CardCapability = 'card_issuing' | 'card_funds' | 'program_admin' | 'spei_from_card' | 'card_processing' | 'card_servicing';

/** Providers a card, cardholder or client can belong to (the gateway stores the name at creation). */
export const CARD_PROVIDERS = ['necipco', 'credencial', 'bcs'] as const;
export type CardProviderName = (typeof CARD_PROVIDERS)[number];
export const DEFAULT_CARD_PROVIDER: CardProviderName = 'necipco';

interface ProviderPorts {
  issuing?: CardIssuing;
  funds?: CardFunds;
  program?: ProgramAdmin;
  spei?: SpeiRail;
  processing?: CardProcessing;
  servicing?: CardServicing;
}

const PORT_OF: Readonly<Record<CardCapability, keyof ProviderPorts>> = Object.freeze({
  card_issuing: 'issuing',
  card_funds: 'funds',
  program_admin: 'program',
  spei_from_card: 'spei',
  card_processing: 'processing',
  card_servicing: 'servicing',
});

/**
 * Routes an operation to the provider that owns the card (or cardholder, or client). Each provider
 * registers the ports it implements; one it lacks is a CapabilityNotSupportedError (422) naming the
 * capability. To plug BCS or Credencial in: inject their port bindings here and add them to `ports`.
 */
@Injectable()
export class CardProviders {
  private readonly ports: Record<string, ProviderPorts>;

  constructor(
    @Inject(CardIssuing) issuing: CardIssuing,
    @Inject(CardFunds) funds: CardFunds,
    @Inject(ProgramAdmin) program: ProgramAdmin,
    @Inject(SpeiRail) spei: SpeiRail,
    @Inject(CardServicing) servicing: CardServicing,
    @Inject(CardProcessing) processing?: CardProcessing,
  ) {
    // Credencial processes cards it does not issue: nomination, status and NIP only (no cardholders, funds, program).
    this.ports = { necipco: { issuing, funds, program, spei }, credencial: { processing }, bcs: { servicing } };
  }

  /** The provider for a new resource: the one asked for, else the default. */
  choose(requested?: string): CardProviderName {
    const name = requested ?? DEFAULT_CARD_PROVIDER;
    if (!(CARD_PROVIDERS as readonly string[]).includes(name)) throw new ValidationError(`unknown provider ${name}`, { field: 'provider' }, 'unknown_provider');
    return name as CardProviderName;
  }

  issuing(provider: string): CardIssuing {
    return this.get(provider, 'issuing', 'card_issuing');
  }

  funds(provider: string): CardFunds {
    return this.get(provider, 'funds', 'card_funds');
  }

  program(provider: string): ProgramAdmin {
    return this.get(provider, 'program', 'program_admin');
  }

  spei(provider: string): SpeiRail {
    return this.get(provider, 'spei', 'spei_from_card');
  }

  processing(provider: string): CardProcessing {
    return this.get(provider, 'processing', 'card_processing');
  }

  /** Whether the provider's cards are processed (nominated) rather than issued: their operations go to CardProcessing. */
  isProcessor(provider: string): boolean {
    return !!this.ports[provider]?.processing && !this.ports[provider]?.issuing;
  }

  servicing(provider: string): CardServicing {
    return this.get(provider, 'servicing', 'card_servicing');
  }

  /** Whether the provider registered the capability's port: route on this, never on a vendor's name. */
  supports(provider: string, capability: CardCapability): boolean {
    return !!this.ports[provider]?.[PORT_OF[capability]];
  }

  /** The providers that registered the capability's port, in CARD_PROVIDERS order. */
  supporting(capability: CardCapability): CardProviderName[] {
    return CARD_PROVIDERS.filter((p) => this.supports(p, capability));
  }

  private get<K extends keyof ProviderPorts>(provider: string, port: K, capability: CardCapability): NonNullable<ProviderPorts[K]> {
    const impl = this.ports[provider]?.[port];
    if (!impl) throw new CapabilityNotSupportedError(provider, capability);
    return impl as NonNullable<ProviderPorts[K]>;
  }
}
