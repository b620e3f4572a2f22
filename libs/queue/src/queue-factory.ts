import { Queue, Worker, createPostgresBackend, type Processor, type WorkerOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig, type QueueBackendKind } from '#libs/config';
import { QueueName } from './queue-names.js';

export interface QueueDepth {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the backend type parameter differs per backend */
export type AppQueue<T = any> = Queue<T, any, string, T, any, string, any, any>;
export type AppWorker<T = any, R = any> = Worker<T, R, string, any, any, any>;

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: false,
};

/**
 * The one place that knows which BullMQ backend is in use: Redis when REDIS_URL is set (production,
 * tests), otherwise BullMQ's Postgres backend on the application database (the embedded default).
 */
export class QueueFactory {
  readonly backend: QueueBackendKind;
  private readonly queues = new Map<QueueName, AppQueue>();
  private readonly workers: AppWorker[] = [];
  private redis?: Redis;

  constructor(private readonly config: AppConfig) {
    this.backend = config.queueBackend;
    if (this.backend === 'postgres' && !config.databaseUrl) {
      throw new Error('the Postgres queue backend needs DATABASE_URL');
    }
  }

  /** Description for logs: never prints credentials. */
  describe(): string {
    if (this.backend === 'redis') {
      const u = new URL(this.config.redisUrl!);
      return `redis ${u.hostname}:${u.port || 6379} (prefix ${this.config.queuePrefix})`;
    }
    const u = new URL(this.config.databaseUrl!);
    return `postgres ${u.hostname}:${u.port || 5432}${u.pathname} (BullMQ Postgres backend)`;
  }

  queue<T = unknown>(name: QueueName): AppQueue<T> {
    let q = this.queues.get(name);
    if (!q) {
      const opts = { defaultJobOptions: DEFAULT_JOB_OPTIONS };
      const created: AppQueue = this.build((conn, factory) =>
        factory ? new Queue(name, { ...conn, ...opts }, factory) : new Queue(name, { ...conn, ...opts }),
      );
      created.on('error', () => undefined);
      this.queues.set(name, created);
      q = created;
    }
    return q as AppQueue<T>;
  }

  worker<T = unknown, R = unknown>(name: QueueName, processor: Processor<T, R>, options: Partial<WorkerOptions> = {}): AppWorker<T, R> {
    const w: AppWorker<T, R> = this.build((conn, factory) =>
      factory
        ? new Worker<T, R>(name, processor, { ...options, ...conn }, factory)
        : new Worker<T, R>(name, processor, { ...options, ...conn }),
    );
    w.on('error', () => undefined);
    this.workers.push(w);
    return w;
  }

  async depths(): Promise<QueueDepth[]> {
    const out: QueueDepth[] = [];
    for (const [name, q] of this.queues) {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      out.push({ queue: name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 });
    }
    return out;
  }

  /** Round trip to the backend; throws when it does not answer within `timeoutMs`. */
  async ping(timeoutMs = 2000): Promise<void> {
    const probe = this.queue(QueueName.Maintenance).getJobCounts('waiting');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`queue backend did not answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Workers first (they finish their current job), then queues, then the shared connection. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.workers.length = 0;
    this.queues.clear();
    if (this.redis) {
      this.redis.disconnect();
      this.redis = undefined;
    }
  }

  // The two backends take different connection types; build() hides that from callers.
  private build<C>(make: (conn: { connection: any; prefix: string }, factory?: any) => C): C {
    if (this.backend === 'redis') {
      this.redis ??= new Redis(this.config.redisUrl!, { maxRetriesPerRequest: null, lazyConnect: false });
      this.redis.on('error', () => undefined);
      return make({ connection: this.redis, prefix: this.config.queuePrefix });
    }
    // migrate: true lets BullMQ create its own schema ("bullmq") on first use, under its advisory lock.
    return make({ connection: { connectionString: this.config.databaseUrl!, migrate: true, max: 5 }, prefix: this.config.queuePrefix }, createPostgresBackend);
  }
}
