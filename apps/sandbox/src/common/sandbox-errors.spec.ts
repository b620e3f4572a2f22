import { BadRequestException } from '@nestjs/common';
import { SandboxHttpError, sandboxErrorStatus } from './sandbox-errors.js';

class MineError extends SandboxHttpError {}
class OtherError extends SandboxHttpError {}
const defaults = { internal: 'internal', invalidRequest: 'invalid' };

describe('sandboxErrorStatus', () => {
  it('answers the sandbox own error, a Nest HttpException and a Fastify statusCode; anything else is 500', () => {
    expect(sandboxErrorStatus(new MineError(409, 'dup'), MineError, defaults)).toEqual({ status: 409, message: 'dup' });
    expect(sandboxErrorStatus(new BadRequestException('nope'), MineError, defaults)).toEqual({ status: 400, message: 'nope' });
    expect(sandboxErrorStatus(Object.assign(new Error('Unexpected token'), { statusCode: 415 }), MineError, defaults)).toEqual({ status: 415, message: 'invalid' });
    expect(sandboxErrorStatus(new Error('boom'), MineError, defaults)).toEqual({ status: 500, message: 'internal' });
    expect(sandboxErrorStatus(undefined, MineError, defaults)).toEqual({ status: 500, message: 'internal' });
  });

  it("another sandbox's error is not taken as this one's", () => {
    expect(sandboxErrorStatus(new OtherError(409, 'dup'), MineError, defaults)).toEqual({ status: 500, message: 'internal' });
  });
});
