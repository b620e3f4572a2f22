import type { JobProcessor } from './job-processor.js';

/** Injection token local to the worker app: the processor list (the logger is libs/logging's AppLogger). */
export abstract class PROCESSORS {
  declare readonly list: JobProcessor[];
}
