import type { JobProcessor } from './job-processor.js';

/** Injection tokens local to the worker app (the pino logger and the processor list). */
export abstract class WORKER_LOGGER {}
export abstract class PROCESSORS {
  declare readonly list: JobProcessor[];
}
