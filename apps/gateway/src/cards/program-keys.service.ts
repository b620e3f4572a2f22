import { createPublicKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { BusinessRuleError, ValidationError, type ProgramPublicKeys } from '#libs/domain';
import { CardProviders } from './card-providers.js';
import type { ProgramKeysDto } from './dto/program-keys.dto.js';

function spkiDer(pem: string): Buffer {
  return createPublicKey(pem.replace(/\\n/g, '\n')).export({ type: 'spki', format: 'der' });
}

/**
 * The provider's "Get Public Key" / "Add Public Key": which key the provider encrypts its answers to, and its own
 * key for our requests. Only our own public key may be registered — any other would make every encrypted answer
 * (PANs, PINs, CVCs) unreadable to Pasarela.
 */
@Injectable()
export class ProgramKeysService {
  constructor(@Inject(CardProviders) private readonly providers: CardProviders) {}

  async get(providerName?: string): Promise<ProgramKeysDto> {
    const provider = this.providers.choose(providerName);
    const port = this.providers.program(provider);
    return this.view(provider, port.ourPublicKey(), await port.getPublicKeys());
  }

  async register(providerName: string | undefined, publicKey: string | undefined): Promise<ProgramKeysDto> {
    const provider = this.providers.choose(providerName);
    const port = this.providers.program(provider);
    const ours = port.ourPublicKey();
    if (publicKey !== undefined) {
      let given: Buffer;
      try {
        given = spkiDer(publicKey);
      } catch {
        throw new ValidationError('public_key must be an RSA public key in PEM (SPKI)', { field: 'public_key' }, 'invalid_public_key');
      }
      if (!given.equals(spkiDer(ours))) {
        throw new BusinessRuleError(
          'public_key is not the public half of Pasarela\'s configured private key; the provider\'s encrypted answers would be unreadable (omit it to register ours)',
          { field: 'public_key' },
          'public_key_mismatch',
        );
      }
    }
    await port.registerPublicKey(ours);
    // Read back: the answer of "Add" carries no system key.
    return this.view(provider, ours, await port.getPublicKeys());
  }

  private view(provider: string, ours: string, keys: ProgramPublicKeys): ProgramKeysDto {
    const registered = keys.clientPublicKey ?? null;
    let same = false;
    try {
      same = registered !== null && spkiDer(registered).equals(spkiDer(ours));
    } catch {
      same = false;
    }
    return {
      provider,
      client_id: keys.clientId ?? null,
      api_key_id: keys.apiKeyId ?? null,
      registered_public_key: registered,
      system_public_key: keys.systemPublicKey ?? null,
      our_public_key: ours,
      registered_key_is_ours: same,
    };
  }
}
