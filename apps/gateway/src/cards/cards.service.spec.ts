import { CapabilityNotSupportedError, type CardFunds, type CardIssuing, type CardProcessing, type CardServicing, type ProgramAdmin, type SpeiRail } from '#libs/domain';
import { CardProviders } from './card-providers.js';
import type { CardServicingService } from './card-servicing.service.js';
import { CardsService } from './cards.service.js';

const HERE = { latitude: '19.43260', longitude: '-99.13320' };

/** A CardsService whose only live parts are the card lookup, the provider registry and card servicing. */
function service(provider: string, providers: CardProviders) {
  const calls: string[] = [];
  const prisma = { card: { findUnique: async () => ({ id: 'card-1', provider, providerCardId: 'p-1', type: 'DEBIT' }) } };
  const servicing = {
    validatePin: async () => {
      calls.push('servicing');
      return { valid: true, attempts_remaining: null };
    },
  } as unknown as CardServicingService;
  const none = {} as never;
  return { calls, cards: new CardsService(prisma as never, providers, none, none, none, none, servicing) };
}

describe('CardsService.validatePin routes by capability, not by vendor name', () => {
  const calls: string[] = [];
  const issuing = {
    provider: 'necipco',
    validateAtmPin: async () => {
      calls.push('issuing');
      return { valid: false, attemptsRemaining: 4 };
    },
  } as unknown as CardIssuing;
  const registry = new CardProviders(issuing, {} as CardFunds, {} as ProgramAdmin, {} as SpeiRail, {} as CardServicing, {} as CardProcessing);

  it('an issuer (CardIssuing) validates the ATM PIN itself', async () => {
    const { cards } = service('necipco', registry);
    expect(await cards.validatePin('card-1', '1357', HERE)).toEqual({ valid: false, attempts_remaining: 4 });
    expect(calls).toEqual(['issuing']);
  });

  it('a provider with card servicing and no issuing (BCS today) goes to card servicing', async () => {
    const { cards, calls: s } = service('bcs', registry);
    expect(await cards.validatePin('card-1', '1357', HERE)).toEqual({ valid: true, attempts_remaining: null });
    expect(s).toEqual(['servicing']);
  });

  it('whatever the servicing provider is called', async () => {
    const acme = {
      supports: (p: string, c: string) => p === 'acme' && c === 'card_servicing',
      issuing: (p: string) => {
        throw new CapabilityNotSupportedError(p, 'card_issuing');
      },
    } as unknown as CardProviders;
    const { cards, calls: s } = service('acme', acme);
    expect(await cards.validatePin('card-1', '1357', HERE)).toEqual({ valid: true, attempts_remaining: null });
    expect(s).toEqual(['servicing']);
  });

  it('neither capability (a Credencial card): 422 naming card_issuing, as before', async () => {
    const { cards, calls: s } = service('credencial', registry);
    await expect(cards.validatePin('card-1', '1357', HERE)).rejects.toMatchObject({ provider: 'credencial', capability: 'card_issuing' });
    expect(s).toEqual([]);
  });
});
