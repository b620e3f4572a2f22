// Ledger benchmark: `npm run bench:ledger` (add `-- --seconds N` for shorter phases).
// On its own fresh database: postings through LedgerService at concurrency 8 over 1,000 accounts and, as
// baselines, the equivalent SQL-level work (1 journal + 2 entries + 2 balance updates, lower id first, one
// transaction per posting) run by pgbench with 8 clients — the issue's own method, one statement per round trip —
// and by the raw pg client as one multi-statement round trip; all in alternating 1 s slices of the same run (so
// machine load weighs on all alike). Then with one side always the same hot (flagged) account, one posting per
// call and in batches of 10. The last line is the summary the issue asks for; its baseline is pgbench's, and the
// line above it gives the ratio against the one-round-trip raw pg baseline too.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { testServers } from '#libs/config';
import { createDatabase, DatabasePool, dropDatabase, migrate, PrismaService } from '#libs/database';
import { LedgerService, type TransferInput } from '#libs/ledger';

const CONCURRENCY = 8;
const ACCOUNTS = 1000;
const HOT_BATCH = 10;
const AMOUNT = 100n; // 1.00

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

interface PhaseResult {
  name: string;
  units: number;
  calls: number;
  errors: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
}

type Step = (worker: number, i: number) => Promise<number>;

/** A measured workload: `step` in CONCURRENCY loops, measured in one or several time slices. */
class Phase {
  private readonly latencies: number[] = [];
  private units = 0;
  private errors = 0;
  private elapsedMs = 0;
  private firstError: unknown;
  // Call numbers keep counting across warm-up and slices, so every call gets fresh idempotency keys.
  private readonly next = Array.from({ length: CONCURRENCY }, () => 0);

  constructor(
    readonly name: string,
    private readonly step: Step,
  ) {}

  async run(ms: number, measure = true): Promise<void> {
    const t0 = performance.now();
    const end = t0 + ms;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (performance.now() < end) {
          const i = this.next[worker]++;
          const c0 = performance.now();
          try {
            const n = await this.step(worker, i);
            if (measure) {
              this.units += n;
              this.latencies.push(performance.now() - c0);
            }
          } catch (err) {
            if (measure) this.errors++;
            this.firstError ??= err;
          }
        }
      }),
    );
    if (measure) this.elapsedMs += performance.now() - t0;
  }

  report(): PhaseResult {
    const latencies = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
    const seconds = this.elapsedMs / 1000;
    const r: PhaseResult = { name: this.name, units: this.units, calls: latencies.length, errors: this.errors, seconds, rate: this.units / seconds, p50: pct(0.5), p99: pct(0.99) };
    console.log(
      `${this.name.padEnd(34)} ${String(r.units).padStart(7)} postings in ${seconds.toFixed(1)} s = ${r.rate.toFixed(0).padStart(5)}/s` +
        `  (calls ${r.calls}, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${r.errors})`,
    );
    if (this.errors > 0) console.log(`  first error: ${(this.firstError as Error)?.message ?? this.firstError}`);
    return r;
  }
}

/** Warms up, then measures `seconds`. */
async function phase(name: string, seconds: number, step: Step, warmupSeconds = 2): Promise<PhaseResult> {
  const p = new Phase(name, step);
  await p.run(warmupSeconds * 1000, false);
  await p.run(seconds * 1000);
  return p.report();
}

/**
 * Measures several workloads for `seconds` each in alternating slices, so that whatever else the machine is doing
 * weighs on all of them alike: their ratio is what this benchmark reports.
 */
async function interleaved(phases: Array<Pick<Phase, 'run' | 'report'>>, seconds: number, sliceSeconds = 1, warmupSeconds = 2): Promise<PhaseResult[]> {
  for (const p of phases) await p.run(warmupSeconds * 1000, false);
  const slices = Math.max(1, Math.round(seconds / sliceSeconds));
  for (let i = 0; i < slices; i++) for (const p of phases) await p.run((seconds * 1000) / slices);
  return phases.map((p) => p.report());
}

const exec = promisify(execFile);

/**
 * The issue's baseline: pgbench (8 clients, prepared statements) running the same SQL-level work as one posting,
 * one statement per round trip, on the plain bench_* tables. Runs as 1 s pgbench invocations so it can take its
 * slices between the others; pgbench's own tps excludes its connection set-up.
 */
class PgbenchPhase {
  private transactions = 0;
  private seconds = 0;
  private latencyMs = 0;

  private constructor(
    readonly name: string,
    private readonly url: string,
    private readonly script: string,
  ) {}

  /** Null when pgbench is not installed (the raw pg baseline is then the only one). */
  static async create(name: string, url: string): Promise<PgbenchPhase | null> {
    try {
      await exec('pgbench', ['--version']);
    } catch {
      return null;
    }
    const script = path.join(os.tmpdir(), `pasarela-ledger-bench-${process.pid}.sql`);
    await writeFile(
      script,
      `\\set a random(1, ${ACCOUNTS})
\\set b random(1, ${ACCOUNTS - 1})
\\set b case when :b >= :a then :b + 1 else :b end
\\set lo case when :a < :b then :a else :b end
\\set hi case when :a < :b then :b else :a end
begin;
insert into bench_journals default values returning id as j \\gset
insert into bench_entries (journal_id, account_id, amount) select :j, id, case when n = :a then -${AMOUNT} else ${AMOUNT} end from bench_accounts where n in (:a, :b);
update bench_accounts set balance = balance + case when n = :b then ${AMOUNT} else -${AMOUNT} end where n = :lo;
update bench_accounts set balance = balance + case when n = :b then ${AMOUNT} else -${AMOUNT} end where n = :hi;
commit;
`,
    );
    return new PgbenchPhase(name, url, script);
  }

  async run(ms: number, measure = true): Promise<void> {
    const { stdout } = await exec('pgbench', ['-n', '-M', 'prepared', '-c', String(CONCURRENCY), '-j', '2', '-T', String(Math.max(1, Math.round(ms / 1000))), '-f', this.script, this.url]);
    const tx = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
    const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
    if (!Number.isFinite(tx) || !(tps > 0)) throw new Error(`pgbench printed no figures: ${stdout}`);
    if (/number of failed transactions: [1-9]/.test(stdout)) throw new Error(`pgbench transactions failed: ${stdout}`);
    if (measure) {
      this.transactions += tx;
      this.seconds += tx / tps;
      this.latencyMs += latency * tx;
    }
  }

  report(): PhaseResult {
    const rate = this.transactions / this.seconds;
    const r: PhaseResult = { name: this.name, units: this.transactions, calls: this.transactions, errors: 0, seconds: this.seconds, rate, p50: this.latencyMs / this.transactions, p99: NaN };
    console.log(`${this.name.padEnd(34)} ${String(r.units).padStart(7)} postings in ${r.seconds.toFixed(1)} s = ${rate.toFixed(0).padStart(5)}/s  (latency average ${r.p50.toFixed(2)} ms)`);
    return r;
  }

  async close(): Promise<void> {
    await rm(this.script, { force: true });
  }
}

function pick(n: number): [number, number] {
  const a = Math.floor(Math.random() * n);
  let b = Math.floor(Math.random() * (n - 1));
  if (b >= a) b++;
  return [a, b];
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 20);
  const servers = testServers();
  const database = `pasarela_bench_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(servers.postgresUrl, database);
  const pool = new DatabasePool(url, CONCURRENCY);
  const prisma = new PrismaService(pool);
  const baselinePool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  try {
    await migrate(url, path.resolve('prisma/migrations'));
    const ledger = new LedgerService(pool, prisma);
    const { rows: settings } = await pool.query(`select current_setting('server_version') v, current_setting('synchronous_commit') sc, current_setting('fsync') f`);
    console.log(
      `ledger bench: ${seconds} s per phase, concurrency ${CONCURRENCY}, ${ACCOUNTS} accounts, ` +
        `Postgres ${settings[0].v} (synchronous_commit=${settings[0].sc}, fsync=${settings[0].f})`,
    );

    // Customers can never be overdrawn (flag checked on every posting); each is funded far beyond the run.
    const bank = await ledger.createAccount({ code: 'bench:bank', type: 'asset' });
    // The hot account is a flagged customer account too (every posting checks it cannot go below zero).
    const hot = await ledger.createAccount({ code: 'bench:hot', type: 'liability', flags: { debitsMustNotExceedCredits: true } });
    await ledger.transfer({ idempotencyKey: 'fund-hot', legs: [{ debitAccountId: bank.id, creditAccountId: hot.id, amount: 1_000_000_000_000n }] });
    const ids: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      ids.push((await ledger.createAccount({ code: `bench:c${i}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id);
    }
    for (let i = 0; i < ACCOUNTS; i += 100) {
      await ledger.transferMany(ids.slice(i, i + 100).map((id) => ({ idempotencyKey: `fund-${id}`, legs: [{ debitAccountId: bank.id, creditAccountId: id, amount: 100_000_000n }] })));
    }

    const run = randomBytes(3).toString('hex');
    // Baseline: the same SQL-level work with no ledger logic: 1 journal + 2 entries + 2 balance updates (lower id
    // first) in one transaction and one round trip, on plain tables shaped like the usual ledger.
    await baselinePool.query(`
      create table bench_accounts (id uuid primary key, n integer unique, balance bigint not null default 0);
      create table bench_journals (id uuid primary key default gen_random_uuid(), created_at timestamptz not null default now());
      create table bench_entries (
        id bigserial primary key,
        journal_id uuid not null references bench_journals (id),
        account_id uuid not null references bench_accounts (id),
        amount bigint not null,
        created_at timestamptz not null default now());
      create index bench_entries_account on bench_entries (account_id, id);
      insert into bench_accounts (id, n) select id, n::integer from unnest($1::uuid[]) with ordinality u(id, n);`.replace('$1::uuid[]', `array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`));
    const baselineSql = (a: string, b: string, amount: bigint) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const j = randomUUID();
      return `begin;
insert into bench_journals (id) values ('${j}');
insert into bench_entries (journal_id, account_id, amount) values ('${j}', '${a}', ${-amount}), ('${j}', '${b}', ${amount});
update bench_accounts set balance = balance + (case when id = '${b}' then ${amount} else ${-amount} end) where id = '${lo}';
update bench_accounts set balance = balance + (case when id = '${b}' then ${amount} else ${-amount} end) where id = '${hi}';
commit;`;
    };

    const randomPhase = new Phase('random (1 posting/call)', async (w, i) => {
      const [a, b] = pick(ACCOUNTS);
      await ledger.transfer({ idempotencyKey: `r-${run}-${w}-${i}`, legs: [{ debitAccountId: ids[a], creditAccountId: ids[b], amount: AMOUNT, kind: 'bench' }] });
      return 1;
    });
    const baselinePhase = new Phase('baseline raw pg (1 tx/call)', async () => {
      const [a, b] = pick(ACCOUNTS);
      await baselinePool.query(baselineSql(ids[a], ids[b], AMOUNT));
      return 1;
    });
    const pgbenchPhase = await PgbenchPhase.create('baseline pgbench (1 tx/posting)', url);
    // The ratio's sides run in alternating 1 s slices, so background load weighs on all alike.
    const [random, baselineRaw, baseline] = await interleaved([randomPhase, baselinePhase, ...(pgbenchPhase ? [pgbenchPhase] : [])], seconds);
    await pgbenchPhase?.close();

    const hotSingle = await phase('hot (1 posting/call)', seconds, async (w, i) => {
      await ledger.transfer({ idempotencyKey: `h1-${run}-${w}-${i}`, legs: [{ debitAccountId: hot.id, creditAccountId: ids[Math.floor(Math.random() * ACCOUNTS)], amount: AMOUNT, kind: 'bench' }] });
      return 1;
    });

    const hotBatched = await phase(`hot (batches of ${HOT_BATCH})`, Math.max(1, Math.round(seconds / 2)), async (w, i) => {
      const batch: TransferInput[] = Array.from({ length: HOT_BATCH }, (_, j) => ({
        idempotencyKey: `hb-${run}-${w}-${i}-${j}`,
        legs: [{ debitAccountId: hot.id, creditAccountId: ids[Math.floor(Math.random() * ACCOUNTS)], amount: AMOUNT, kind: 'bench' }],
      }));
      await ledger.transferMany(batch);
      return HOT_BATCH;
    });

    const audit = await ledger.audit();
    console.log(`audit: ${audit.ok ? 'ok' : 'FAILED'} (${audit.accounts} accounts, debits ${audit.debitsPosted} = credits ${audit.creditsPosted}, ${audit.mismatches.length} mismatches)`);
    const reference = baseline ?? baselineRaw;
    const ratio = random.rate / reference.rate;
    console.log(
      `against the one-round-trip raw pg baseline (${baselineRaw.rate.toFixed(0)} tx/s): ratio ${(random.rate / baselineRaw.rate).toFixed(2)}; ` +
        `hot one posting per call: ${hotSingle.rate.toFixed(0)} postings/s` +
        (baseline ? '' : '; pgbench not found, so the baseline below is the raw pg one'),
    );
    if (!audit.ok) process.exitCode = 1;
    console.log(`ledger: ${random.rate.toFixed(0)} postings/s random, ${hotBatched.rate.toFixed(0)} postings/s hot; baseline ${reference.rate.toFixed(0)} tx/s; ratio ${ratio.toFixed(2)}`);
  } finally {
    await prisma.$disconnect().catch(() => undefined);
    await pool.close().catch(() => undefined);
    await baselinePool.end().catch(() => undefined);
    await dropDatabase(servers.postgresUrl, database).catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
