import { Writable } from 'node:stream';
import { Inject, Injectable, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Logger as Pino } from 'pino';
import { loadConfig } from '#libs/config';
import { createLogger } from './logger.js';
import { AppLogger, contextLogger, LoggingModule, PinoNestLogger } from './nest-logger.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, any>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

function nestLogger(level: string) {
  const sink = capture();
  const pino = createLogger(loadConfig({ LOG_LEVEL: level }, {}), 'test', sink.stream);
  return { logger: new PinoNestLogger(pino), lines: sink.lines };
}

describe('PinoNestLogger', () => {
  afterEach(() => Logger.overrideLogger(false));

  it("writes Nest's calls as JSON lines with their level, message and context", () => {
    const { logger, lines } = nestLogger('debug');
    logger.log('started', 'Bootstrap');
    logger.warn('slow', 'CredencialAuthorizer');
    logger.debug('detail');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'started', context: 'Bootstrap', app: 'test' }),
      expect.objectContaining({ level: 'warn', msg: 'slow', context: 'CredencialAuthorizer' }),
      expect.objectContaining({ level: 'debug', msg: 'detail' }),
    ]);
    expect(lines()[2]).not.toHaveProperty('context');
  });

  it('is what `new Logger(context)` writes to once installed, below the level nothing is written', () => {
    const { logger, lines } = nestLogger('info');
    Logger.overrideLogger(logger);
    new Logger('SpeiOut').warn('provider slow');
    new Logger('SpeiOut').debug('not written at info');
    expect(lines()).toEqual([expect.objectContaining({ level: 'warn', msg: 'provider slow', context: 'SpeiOut' })]);
  });

  it("keeps errors as `err` (an Error, or Nest's own message + stack form) and objects as fields", () => {
    const { logger, lines } = nestLogger('info');
    logger.error(new Error('boom'), 'Worker');
    logger.error('handler failed', 'Error: handler failed\n    at foo (file.js:1:1)', 'ExceptionsHandler');
    logger.log({ event_id: 'e1', outcome: 'applied' }, 'Settler');
    const [a, b, c] = lines();
    expect(a).toMatchObject({ level: 'error', msg: 'boom', context: 'Worker', err: { message: 'boom', type: 'Error' } });
    expect(b).toMatchObject({ level: 'error', msg: 'handler failed', context: 'ExceptionsHandler', err: { message: 'handler failed' } });
    expect(b.err.stack).toContain('at foo (file.js:1:1)');
    expect(c).toMatchObject({ level: 'info', context: 'Settler', event_id: 'e1', outcome: 'applied' });
  });

  it('goes through the same redaction: no clear PAN or PIN leaves through a Nest log call', () => {
    const { logger, lines } = nestLogger('info');
    logger.warn('declined card 4111111111111111', 'Credencial');
    logger.log({ pin: '1234', card_number: '5500005555555559' }, 'Credencial');
    const text = JSON.stringify(lines());
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('5500005555555559');
    expect(text).not.toContain('"1234"');
    expect(text).toContain('************1111');
  });
});

@Injectable()
class Greeter {
  readonly log: Pino;
  constructor(@Inject(AppLogger) logger: Pino) {
    this.log = contextLogger(logger, 'Greeter');
  }
}

@Module({ providers: [Greeter], exports: [Greeter] })
class FeatureModule {}

describe('LoggingModule', () => {
  it("gives every module of an app that app's logger: two apps in one process keep their lines apart", async () => {
    const a = capture();
    const b = capture();
    const appA = await Test.createTestingModule({ imports: [LoggingModule.forRoot(createLogger(loadConfig({}, {}), 'a', a.stream)), FeatureModule] }).compile();
    const appB = await Test.createTestingModule({ imports: [LoggingModule.forRoot(createLogger(loadConfig({}, {}), 'b', b.stream)), FeatureModule] }).compile();
    appA.get(Greeter).log.info('from a');
    appB.get(Greeter).log.info('from b');
    expect(a.lines()).toEqual([expect.objectContaining({ app: 'a', context: 'Greeter', msg: 'from a' })]);
    expect(b.lines()).toEqual([expect.objectContaining({ app: 'b', context: 'Greeter', msg: 'from b' })]);
    await appA.close();
    await appB.close();
  });

  it('contextLogger without an app logger (a class built by hand) writes nothing', () => {
    const log = contextLogger(undefined, 'Alone');
    expect(log.isLevelEnabled('fatal')).toBe(false);
  });
});
