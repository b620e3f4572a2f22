import { CapabilityNotSupportedError, ValidationError, type CardFunds, type CardIssuing, type CardProcessing, type CardServicing, type ProgramAdmin, type SpeiRail } from '#libs/domain';
import { CardProviders } from './card-providers.js';

describe('CardProviders (routing by the owning provider)', () => {
  const issuing = { provider: 'necipco' } as CardIssuing;
  const servicing = { provider: 'bcs' } as unknown as CardServicing;
  const providers = new CardProviders(issuing, {} as CardFunds, {} as ProgramAdmin, undefined as unknown as SpeiRail, servicing);

  it('routes to the ports the provider registered', () => {
    expect(providers.issuing('necipco')).toBe(issuing);
    expect(providers.choose()).toBe('necipco');
  });

  it('an operation the owning provider lacks is CapabilityNotSupportedError naming the capability (422)', () => {
    expect(() => providers.spei('necipco')).toThrow(CapabilityNotSupportedError);
    const e = (() => {
      try {
        providers.funds('bcs');
      } catch (err) {
        return err as CapabilityNotSupportedError;
      }
    })();
    expect(e).toMatchObject({ provider: 'bcs', capability: 'card_funds' });
  });

  it('Credencial cards route to CardProcessing; everything else about them is 422 naming the capability', () => {
    const processing = { provider: 'credencial' } as CardProcessing;
    const withCredencial = new CardProviders(issuing, {} as CardFunds, {} as ProgramAdmin, undefined as unknown as SpeiRail, servicing, processing);
    expect(withCredencial.processing('credencial')).toBe(processing);
    expect(withCredencial.isProcessor('credencial')).toBe(true);
    expect(withCredencial.isProcessor('necipco')).toBe(false);
    expect(withCredencial.choose('credencial')).toBe('credencial');
    expect(() => withCredencial.processing('necipco')).toThrow(expect.objectContaining({ provider: 'necipco', capability: 'card_processing' }));
    expect(() => withCredencial.issuing('credencial')).toThrow(expect.objectContaining({ provider: 'credencial', capability: 'card_issuing' }));
    expect(() => withCredencial.funds('credencial')).toThrow(CapabilityNotSupportedError);
    // Without the port bound, a Credencial card is not a processor card either.
    expect(providers.isProcessor('credencial')).toBe(false);
  });

  it('BCS cards get CardServicing; NeCIPCo lacks it (422 card_servicing) and BCS lacks issuing', () => {
    expect(providers.servicing('bcs')).toBe(servicing);
    expect(() => providers.servicing('necipco')).toThrow(CapabilityNotSupportedError);
    expect(() => providers.issuing('bcs')).toThrow(CapabilityNotSupportedError);
    expect(providers.choose('bcs')).toBe('bcs');
  });

  it('says which providers registered a capability (routing by capability, not by name)', () => {
    const processing = { provider: 'credencial' } as CardProcessing;
    const all = new CardProviders(issuing, {} as CardFunds, {} as ProgramAdmin, undefined as unknown as SpeiRail, servicing, processing);
    expect(all.supports('necipco', 'card_issuing')).toBe(true);
    expect(all.supports('bcs', 'card_issuing')).toBe(false);
    expect(all.supports('bcs', 'card_servicing')).toBe(true);
    expect(all.supports('necipco', 'spei_from_card')).toBe(false); // bound to undefined here
    expect(all.supports('acme', 'card_issuing')).toBe(false);
    expect(all.supporting('card_issuing')).toEqual(['necipco']);
    expect(all.supporting('card_servicing')).toEqual(['bcs']);
    expect(all.supporting('card_processing')).toEqual(['credencial']);
    expect(providers.supporting('card_processing')).toEqual([]);
  });

  it('an unknown provider asked for at creation is a 400', () => {
    expect(() => providers.choose('acme')).toThrow(ValidationError);
  });
});
