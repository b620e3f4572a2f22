// Webhooks benchmark: `npm run bench:webhooks` (add `-- --seconds N --debit-seconds M --backlog-seconds B --open-seconds O --open-rate R` for
// shorter phases, `--profile <dir>` for CPU profiles of the gateway and the worker, `--pool N` for DATABASE_POOL_SIZE).
// On its own fresh database and Redis key prefix it starts the real gateway and the real worker as two child
// processes (as in production: separate processes, LOG_LEVEL=info, logs to files), and this process is only the
// load generator (keep-alive connections over node:net, kept lean because it shares the CPUs). Phases:
//  1. signed STP SPEI IN webhooks to 1,000 linked CLABEs, 20% of them redeliveries (same CLABE + tracking key,
//     new webhook-id), closed loop at concurrency 64 (the highest rate the gateway sustains), 2 s warm-up + N s;
//  2. wait until the worker has applied every row; then a backlog built while the worker is paused, to measure
//     the worker's own rate; then compare the ledger's credits with everything that was sent;
//  3. signed Credencial DEBIT webhooks (answered synchronously as ledger holds) at concurrency 32 against
//     1,000 funded cards, 1 s warm-up + M s; then, for context, the same at a steady rate of half that throughput
//     (open loop, O s), which shows the authorization's latency when the machine is not saturated.
// The last line is the summary the issue asks for.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readFileSync, closeSync } from 'node:fs';
import net, { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { childEnvironment, DEV_WEBHOOK_SECRET, testServers } from '#libs/config';
import { createDatabase, DatabasePool, dropDatabase, migrate, PrismaService } from '#libs/database';
import { Clabe } from '#libs/domain';
import { signWebhook } from '#libs/inbox';
import { LedgerService } from '#libs/ledger';

const SPEI_CONCURRENCY = 64;
const DEBIT_CONCURRENCY = 32;
const CLABES = 1000;
const CARDS = 1000;
const DUPLICATE_SHARE = 0.2;
const SETTLEMENT = '00000000-0000-4000-8000-000000000001'; // stp:settlement, seeded by the migrations

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** `--profile <dir>`: the gateway and the worker write V8 CPU profiles there (for finding the hot path). */
function profileDir(): string | undefined {
  const i = process.argv.indexOf('--profile');
  return i >= 0 ? path.resolve(process.argv[i + 1] ?? 'profiles') : undefined;
}

/** CPU seconds (user + system) a process has used so far; with `reaped`, also its exited children's. Linux /proc, 0 elsewhere. */
function cpuSeconds(pid: number | undefined, reaped = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = Number(fields[11]) + Number(fields[12]); // utime, stime in clock ticks (USER_HZ = 100)
    return (own + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) / 100; // cutime, cstime: children waited for
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by every process whose command name is `comm` (e.g. all Postgres backends), and by
 * their exited children (a backend or autovacuum worker that exits mid-phase moves into the postmaster's
 * reaped-children time, so the sum never goes back).
 */
function cpuSecondsOf(comm: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += cpuSeconds(Number(pid), true);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Where the CPU went while a phase ran: each part of the system, in ms per request. */
function cpuSnapshot(gateway: number | undefined, worker: number | undefined): Record<string, number> {
  const self = process.cpuUsage();
  return {
    gateway: cpuSeconds(gateway),
    worker: cpuSeconds(worker),
    postgres: cpuSecondsOf('postgres'),
    redis: cpuSecondsOf('redis-server'),
    'load generator': (self.user + self.system) / 1e6,
  };
}

function cpuBreakdown(before: Record<string, number>, after: Record<string, number>, requests: number): string {
  return Object.keys(before)
    .map((k) => `${k} ${(((after[k] - before[k]) / requests) * 1000).toFixed(2)}`)
    .join(', ');
}

/** The machine's CPU ticks so far (Linux /proc/stat: user nice system idle iowait irq softirq steal), empty elsewhere. */
function machineTicks(): number[] {
  try {
    return readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  } catch {
    return [];
  }
}

/**
 * How the machine's CPUs spent a phase: busy, idle (idle + iowait) and stolen (a virtual machine's CPUs taken
 * by the hypervisor for other guests). Steal is time this system did not get at all: it varies from hour to
 * hour on a shared host and moves every figure here with it, so each phase prints it.
 */
function machineLine(before: number[], after: number[]): string {
  if (before.length < 8 || after.length < 8) return 'machine CPU not known';
  const d = after.map((v, i) => v - before[i]);
  const total = d.reduce((a, b) => a + b, 0) || 1;
  const idle = d[3] + d[4];
  const steal = d[7];
  const pctOf = (v: number) => `${Math.round((100 * v) / total)}%`;
  return `machine CPU ${pctOf(total - idle - steal)} busy, ${pctOf(idle)} idle, ${pctOf(steal)} stolen`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Child {
  proc: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

/** One of our built apps as a child process, its stdout/stderr appended to a log file. */
function start(name: string, script: string, env: Record<string, string>): Child {
  const log = path.join(os.tmpdir(), `pasarela-bench-${name}-${process.pid}.log`);
  const fd = openSync(log, 'w');
  const prof = profileDir();
  const flags = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  // `--trace-gc`: the children's garbage collections in their logs (to tell a GC pause from a database stall).
  if (process.argv.includes('--trace-gc')) flags.push('--trace-gc');
  const proc = spawn(process.execPath, [...flags, script], { env: childEnvironment(env), stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, log, exited };
}

async function waitForLog(c: Child, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = readFileSync(c.log, 'utf8');
    if (pattern.test(text)) return;
    if (c.proc.exitCode !== null) throw new Error(`${c.log}: exited ${c.proc.exitCode}\n${text.slice(-2000)}`);
    await sleep(100);
  }
  throw new Error(`${c.log}: no ${pattern} within ${timeoutMs} ms`);
}

async function stop(c: Child): Promise<void> {
  if (c.proc.exitCode !== null) return;
  c.proc.kill('SIGTERM');
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 15_000);
  await c.exited;
  clearTimeout(t);
}

/**
 * The load generator's HTTP/1.1 client: keep-alive connections over node:net, one request at a time on each,
 * the request written as one buffer and the answer read by its Content-Length (or chunks). node:http's client
 * costs about 0.2 ms of CPU per request on this kind of machine, CPU the system under test then lacks: the
 * load generator shares its two cores, so it is kept lean.
 */
class Client {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(private readonly port: number) {}

  /** POSTs a webhook signed like the provider (Standard Webhooks, the development secret). */
  async webhook(route: string, body: unknown): Promise<{ status: number; body: string }> {
    const raw = JSON.stringify(body);
    const id = `msg_${randomUUID()}`;
    const ts = Math.floor(Date.now() / 1000);
    const head =
      `POST ${route} HTTP/1.1\r\nhost: 127.0.0.1:${this.port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(raw)}\r\n` +
      `webhook-id: ${id}\r\nwebhook-timestamp: ${ts}\r\nwebhook-signature: ${signWebhook(DEV_WEBHOOK_SECRET, id, ts, raw)}\r\n\r\n`;
    const conn = this.idle.pop() ?? (await this.connect());
    try {
      const res = await conn.send(head + raw);
      this.idle.push(conn);
      return res;
    } catch (err) {
      conn.destroy();
      this.all.delete(conn);
      throw err;
    }
  }

  private async connect(): Promise<Connection> {
    const conn = await Connection.open(this.port);
    this.all.add(conn);
    return conn;
  }

  close(): void {
    for (const c of this.all) c.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}

/** One keep-alive connection; `send` resolves with the next response on it. */
class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (r: { status: number; body: string }) => void; reject: (e: Error) => void };

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.parse();
    });
    const fail = (err: Error) => {
      const p = this.pending;
      this.pending = undefined;
      p?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before the response')));
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(request);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.pending) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body: Buffer | undefined;
    let rest: Buffer;
    if (length) {
      const n = Number(length[1]);
      if (this.buf.length < end + 4 + n) return;
      body = this.buf.subarray(end + 4, end + 4 + n);
      rest = this.buf.subarray(end + 4 + n);
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const eol = this.buf.indexOf('\r\n', at);
        if (eol < 0) return;
        const size = parseInt(this.buf.toString('latin1', at, eol), 16);
        if (this.buf.length < eol + 2 + size + 2) return;
        if (size === 0) break;
        parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      rest = this.buf.subarray(this.buf.indexOf('\r\n', at) + 4);
    } else {
      body = Buffer.alloc(0);
      rest = this.buf.subarray(end + 4);
    }
    this.buf = rest.length === 0 ? Buffer.alloc(0) : Buffer.from(rest);
    const p = this.pending;
    this.pending = undefined;
    p.resolve({ status, body: body.toString('utf8') });
  }
}

interface LoadResult {
  calls: number;
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
  firstError?: string;
  /** The latencies of the requests that ended in each second of the run (closed loop only). */
  bySecond?: number[][];
}

/** Closed loop: `concurrency` loops each sending one request after the other for `ms`. */
async function load(ms: number, concurrency: number, step: () => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = [];
  const bySecond: number[][] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          if (await step()) ok++;
          else errors++;
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message;
        }
        const now = performance.now();
        latencies.push(now - s);
        (bySecond[Math.floor((now - t0) / 1000)] ??= []).push(now - s);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  for (const l of bySecond) l?.sort((a, b) => a - b);
  return { calls: latencies.length, ok, errors, seconds: (performance.now() - t0) / 1000, latencies, firstError, bySecond };
}

/**
 * Open loop: requests started on a fixed schedule (`rate` per second) whatever the answers do, at most
 * `maxInFlight` at once (a start that finds them all busy is counted late and sent when one frees up).
 * Latency is measured from the scheduled start, so queueing in the system under test is counted.
 */
async function openLoop(ms: number, rate: number, maxInFlight: number, step: () => Promise<boolean>): Promise<LoadResult & { late: number }> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let late = 0;
  let inFlight = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const total = Math.floor((ms / 1000) * rate);
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight >= maxInFlight) {
      late++;
      await Promise.race(running);
    }
    inFlight++;
    const p = step().then(
      (good) => (good ? ok++ : errors++),
      (err) => {
        errors++;
        firstError ??= (err as Error).message;
      },
    ).then(() => {
      latencies.push(performance.now() - due);
      inFlight--;
      running.splice(running.indexOf(p), 1);
    });
    running.push(p);
  }
  await Promise.all(running);
  latencies.sort((a, b) => a - b);
  return { calls: latencies.length, ok, errors, seconds: (performance.now() - t0) / 1000, latencies, firstError, late };
}

/** The gateway's statement counters (`/metrics`), by kind: how many statements ran alone, in groups, failed groups. */
async function statementCounts(port: number, metric: string): Promise<Record<string, number>> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${metric}\\{kind="([a-z_]+)"\\} (\\d+)$`, 'gm'))) out[m[1]] = Number(m[2]);
  return out;
}

/**
 * "N statements: A alone, G groups answering M (K each on average), F failed" between two readings of
 * `statementCounts`; `items` answered in all (an item a group left out is answered alone, so counted there).
 */
function statementLine(before: Record<string, number>, after: Record<string, number>, items: number): string {
  const d = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
  const groups = d('group');
  if (groups + d('alone') === 0) return 'not batched (each one its own statement)';
  const grouped = items - d('alone');
  return `${d('alone') + groups} statements: ${d('alone')} alone, ${groups} groups answering ${grouped}${groups > 0 ? ` (${(grouped / groups).toFixed(1)} each on average)` : ''}, ${d('group_failed')} failed`;
}

/** Checkpoints the server has run so far (pg_stat_checkpointer from Postgres 17, pg_stat_bgwriter before). */
async function checkpoints(pool: DatabasePool): Promise<number> {
  const { rows } = await pool.query(`select current_setting('server_version_num')::int >= 170000 as v17`);
  const sql = rows[0].v17
    ? 'select (num_timed + num_requested)::int as n from pg_stat_checkpointer'
    : 'select (checkpoints_timed + checkpoints_req)::int as n from pg_stat_bgwriter';
  return (await pool.query(sql)).rows[0].n;
}

interface WalCounters {
  bytes: bigint;
  records?: number;
  fullPageImages?: number;
}

/**
 * The server's WAL position and counters (cluster-wide: the bench is the only writer). A cost per event that
 * does not move with the machine's speed, unlike latency. The bytes are exact (from the insert position); the
 * counters (pg_stat_wal, Postgres 14+) are flushed by each backend about once a second, so close, not exact.
 */
async function walCounters(pool: DatabasePool): Promise<WalCounters> {
  const { rows } = await pool.query(
    `select (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::text as bytes, current_setting('server_version_num')::int >= 140000 as has_stats`,
  );
  const bytes = BigInt(rows[0].bytes);
  if (!rows[0].has_stats) return { bytes };
  const w = (await pool.query(`select wal_records::text as records, wal_fpi::text as fpi from pg_stat_wal`)).rows[0];
  return { bytes, records: Number(w.records), fullPageImages: Number(w.fpi) };
}

function walLine(a: WalCounters, b: WalCounters, n: number): string {
  const parts = [`${(Number(b.bytes - a.bytes) / 1024 / n).toFixed(2)} kB`];
  if (a.records !== undefined && b.records !== undefined) parts.unshift(`${((b.records - a.records) / n).toFixed(1)} records`);
  if (a.fullPageImages !== undefined && b.fullPageImages !== undefined) parts.push(`${((b.fullPageImages - a.fullPageImages) / n).toFixed(2)} full-page images`);
  return parts.join(', ');
}

/**
 * `--waits`: samples pg_stat_activity every 20 ms while a phase runs, for the DEBIT authorization statements
 * in flight: what they were waiting on (CPU when nothing), and the longest one seen waiting for its WAL flush.
 * It tells a host whose disk stalled (a commit's fsync taking 100 ms and more, every DEBIT queued behind it)
 * from a slow build. Off by default: the sampling itself costs a little CPU.
 */
function sampleWaits(pool: DatabasePool): () => Promise<string> {
  let stop = false;
  const counts = new Map<string, number>();
  let samples = 0;
  let longestWalSync = 0;
  const done = (async () => {
    const client = await pool.pool.connect();
    try {
      while (!stop) {
        const { rows } = await client.query<{ wait: string; ms: number }>(
          `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait, extract(epoch from clock_timestamp() - query_start) * 1000 as ms
             from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and state = 'active' and query like '%credencial_debit_authorize%'`,
        );
        for (const r of rows) {
          samples++;
          counts.set(r.wait, (counts.get(r.wait) ?? 0) + 1);
          if (r.wait === 'IO:WALSync') longestWalSync = Math.max(longestWalSync, Number(r.ms));
        }
        await sleep(20);
      }
    } finally {
      client.release();
    }
  })();
  return async () => {
    stop = true;
    await done;
    const shares = [...counts].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${w} ${((100 * n) / Math.max(1, samples)).toFixed(0)}%`).join(', ');
    return `authorization statements sampled ${samples} times: ${shares || 'none'}; longest seen waiting for its WAL flush ${longestWalSync.toFixed(0)} ms into the statement`;
  };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

function money(centavos: number): string {
  return `${Math.floor(centavos / 100)}.${String(centavos % 100).padStart(2, '0')}`;
}

interface SpeiEvent {
  clabe: string;
  reference: string;
  centavos: number;
  acked: boolean;
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 20);
  const debitSeconds = arg('debit-seconds', 10);
  const backlogSeconds = arg('backlog-seconds', 5);
  const openSeconds = arg('open-seconds', 5);
  const servers = testServers();
  const run = randomBytes(4).toString('hex');
  const database = `pasarela_bench_wh_${run}`;
  const prefix = `pasarela_bench_wh_${run}`;
  const url = await createDatabase(servers.postgresUrl, database);
  const pool = new DatabasePool(url, 4);
  const prisma = new PrismaService(pool);
  const redis = new Redis(servers.redisUrl);
  const children: Child[] = [];
  try {
    await migrate(url, path.resolve('prisma/migrations'));
    const ledger = new LedgerService(pool, prisma);
    const { rows: settings } = await pool.query(`select current_setting('server_version') v, current_setting('synchronous_commit') sc, current_setting('fsync') f`);
    console.log(
      `webhooks bench: SPEI IN ${seconds} s at concurrency ${SPEI_CONCURRENCY} (${DUPLICATE_SHARE * 100}% redeliveries), DEBIT ${debitSeconds} s at concurrency ${DEBIT_CONCURRENCY}; ` +
        `${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; Postgres ${settings[0].v} (synchronous_commit=${settings[0].sc}, fsync=${settings[0].f})`,
    );

    // The accounts: 1,000 CLABEs of customer accounts, 1,000 Credencial cards funded far beyond the run.
    const clabes: string[] = [];
    const accountOfClabe = new Map<string, string>();
    for (let i = 0; i < CLABES; i++) {
      const id = (await ledger.createAccount({ code: `bench:clabe:${i}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id;
      const clabe = Clabe.compose('646', '180', `1233${String(i).padStart(7, '0')}`).value;
      clabes.push(clabe);
      accountOfClabe.set(clabe, id);
    }
    await pool.query(`insert into stp_clabe_links (clabe, ledger_account_id, status) select unnest($1::text[]), unnest($2::uuid[]), 'active'`, [clabes, clabes.map((c) => accountOfClabe.get(c))]);
    const cards: Array<{ accountNumber: string; emi: string; id: string }> = [];
    for (let i = 0; i < CARDS; i++) {
      const id = (await ledger.createAccount({ code: `bench:card:${i}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id;
      cards.push({ accountNumber: String(500_000_000 + i), emi: String(21_000_000_000 + i), id });
    }
    for (let i = 0; i < CARDS; i += 100) {
      await ledger.transferMany(cards.slice(i, i + 100).map((c) => ({ idempotencyKey: `fund-${c.id}`, legs: [{ debitAccountId: SETTLEMENT, creditAccountId: c.id, amount: 100_000_000n, kind: 'funding' }] })));
    }
    await pool.query(
      `insert into credencial_account_links (account_number, emi_account_identifier, ledger_account_id, status) select unnest($1::text[]), unnest($2::text[]), unnest($3::uuid[]), 'active'`,
      [cards.map((c) => c.accountNumber), cards.map((c) => c.emi), cards.map((c) => c.id)],
    );

    // The system under test: gateway and worker, each its own process, as deployed.
    const port = await freePort();
    // `--pool N`: DATABASE_POOL_SIZE of both processes (default: the shipped default).
    const overrides: Record<string, string> = process.argv.includes('--pool') ? { DATABASE_POOL_SIZE: String(arg('pool', 10)) } : {};
    // `--settle-interval N`: DEBIT_SETTLE_INTERVAL_MS of the worker (default: the shipped default).
    if (process.argv.includes('--settle-interval')) overrides.DEBIT_SETTLE_INTERVAL_MS = String(arg('settle-interval', 250));
    // `--env KEY=VALUE` (repeatable): any setting of both processes, to compare configurations in one series.
    process.argv.forEach((a, i) => {
      const kv = a === '--env' ? process.argv[i + 1] : undefined;
      const eq = kv?.indexOf('=') ?? -1;
      if (kv && eq > 0) overrides[kv.slice(0, eq)] = kv.slice(eq + 1);
    });
    if (Object.keys(overrides).length) console.log(`settings: ${Object.entries(overrides).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const env = { DATABASE_URL: url, REDIS_URL: servers.redisUrl, QUEUE_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development', ...overrides };
    const gateway = start('gateway', 'dist/apps/gateway/src/main.js', env);
    children.push(gateway);
    const worker = start('worker', 'dist/apps/worker/src/main.js', env);
    children.push(worker);
    await waitForLog(worker, /worker started/, 30_000);
    for (const deadline = Date.now() + 30_000; ; ) {
      const up = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline || gateway.proc.exitCode !== null) throw new Error(`gateway did not start:\n${readFileSync(gateway.log, 'utf8').slice(-2000)}`);
      await sleep(100);
    }
    console.log(`gateway pid ${gateway.proc.pid} on :${port}, worker pid ${worker.proc.pid}; logs ${gateway.log}, ${worker.log}`);

    const untilNoSpeiPending = async () => {
      for (const deadline = performance.now() + 120_000; ; ) {
        const { rows } = await pool.query(`select count(*)::int as n from webhook_events where type = 'spei_in' and status = 'PENDING'`);
        if (rows[0].n === 0) return;
        if (performance.now() > deadline) throw new Error(`${rows[0].n} SPEI IN rows still PENDING two minutes after the load`);
        await sleep(50);
      }
    };

    // ---- 1. SPEI IN ----
    const spei = new Client(port);
    const events: SpeiEvent[] = [];
    let seq = 0;
    let redeliveries = 0;
    const speiStep = async (): Promise<boolean> => {
      let e: SpeiEvent;
      const acked = events.length > 100 ? events[randomInt(0, events.length)] : undefined;
      if (acked?.acked && Math.random() < DUPLICATE_SHARE) {
        e = acked;
        redeliveries++;
      } else {
        e = { clabe: clabes[randomInt(0, CLABES)], reference: `BENCH${run}${String(seq++).padStart(8, '0')}`, centavos: randomInt(1, 100_000), acked: false };
        events.push(e);
      }
      const r = await spei.webhook('/webhooks/stp/spei-in', { clabe: e.clabe, reference: e.reference, amount: money(e.centavos) });
      if (r.status !== 200) throw new Error(`SPEI IN answered ${r.status}: ${r.body.slice(0, 300)}`);
      e.acked = true;
      return true;
    };
    await load(2000, SPEI_CONCURRENCY, speiStep); // warm-up (its events are checked like the others)
    const { rows: t0rows } = await pool.query(`select now() as t`);
    const measureFrom: Date = t0rows[0].t;
    const redeliveriesBefore = redeliveries;
    const eventsBefore = events.length;
    const intakeStatements0 = await statementCounts(port, 'pasarela_webhook_intake_statements_total');
    const wal0 = await walCounters(pool);
    const cpu0 = cpuSnapshot(gateway.proc.pid, worker.proc.pid);
    const machine0 = machineTicks();
    const intake = await load(seconds * 1000, SPEI_CONCURRENCY, speiStep);
    const machine1 = machineTicks();
    const cpu1 = cpuSnapshot(gateway.proc.pid, worker.proc.pid);
    const wal1 = await walCounters(pool);
    const intakeStatements1 = await statementCounts(port, 'pasarela_webhook_intake_statements_total');
    const sendEnd = performance.now();
    spei.close();
    const accepted = intake.ok / intake.seconds;
    console.log(
      `SPEI IN intake: ${intake.ok} acknowledged in ${intake.seconds.toFixed(1)} s = ${accepted.toFixed(0)}/s (${events.length - eventsBefore} new events, ${redeliveries - redeliveriesBefore} redeliveries), ` +
        `ack p50 ${pct(intake.latencies, 0.5).toFixed(2)} ms, p99 ${pct(intake.latencies, 0.99).toFixed(2)} ms, max ${pct(intake.latencies, 1).toFixed(1)} ms, errors ${intake.errors}`,
    );
    if (intake.firstError) console.log(`  first error: ${intake.firstError}`);
    console.log(`  CPU during the load, ms per delivery: ${cpuBreakdown(cpu0, cpu1, intake.ok)} (${intake.seconds.toFixed(1)} s wall on ${os.cpus().length} CPUs; ${machineLine(machine0, machine1)})`);
    // Deliveries persisted: every one (a redelivery too) goes through the intake statement; a redelivery in a group with its original goes alone after it.
    console.log(`  intake: ${statementLine(intakeStatements0, intakeStatements1, intake.ok)}`);
    // The worker applies while the load runs, so this is intake and most of the applying.
    console.log(`  WAL during the load, per delivery: ${walLine(wal0, wal1, intake.ok)}`);

    // ---- 2. drain, then the ledger against what was sent ----
    await untilNoSpeiPending();
    const drainSeconds = (performance.now() - sendEnd) / 1000;
    const { rows: ap } = await pool.query(
      `select count(*) filter (where applied_at >= $1)::int as n, extract(epoch from max(applied_at) - $1::timestamptz)::float8 as s,
              count(*) filter (where status = 'FAILED')::int as failed, count(*)::int as total
         from webhook_events where type = 'spei_in'`,
      [measureFrom],
    );
    const applied = ap[0].n / ap[0].s;
    console.log(`SPEI IN applied: ${ap[0].n} rows from the start of the measurement to the last one (${ap[0].s.toFixed(1)} s) = ${applied.toFixed(0)}/s; queue drained ${drainSeconds.toFixed(1)} s after the load; ${ap[0].total} rows, ${ap[0].failed} FAILED`);

    // The worker's own capacity, apart from the gateway's intake rate: a backlog built while it is paused
    // (SIGSTOP), then the time it takes to apply all of it after SIGCONT.
    worker.proc.kill('SIGSTOP');
    const backlogLoad = await load(backlogSeconds * 1000, SPEI_CONCURRENCY, speiStep);
    const { rows: resumeRows } = await pool.query(`select now() as t, count(*)::int as n from webhook_events where type = 'spei_in' and status = 'PENDING'`);
    worker.proc.kill('SIGCONT');
    await untilNoSpeiPending();
    const { rows: bl } = await pool.query(
      `select count(*)::int as n, extract(epoch from max(applied_at) - $1::timestamptz)::float8 as s from webhook_events where type = 'spei_in' and applied_at >= $1`,
      [resumeRows[0].t],
    );
    const backlogRate = bl[0].n / bl[0].s;
    console.log(`worker on a backlog: ${resumeRows[0].n} PENDING rows (${backlogLoad.ok} deliveries in ${backlogLoad.seconds.toFixed(1)} s while paused) applied in ${bl[0].s.toFixed(2)} s = ${backlogRate.toFixed(0)}/s`);

    const { rows: credits } = await pool.query(
      `select external_ref, credit_account_id, count(*)::int as n, sum(amount)::text as amount from ledger_transfers where kind = 'spei_in' group by 1, 2`,
    );
    const credited = new Map(credits.map((r) => [`${r.credit_account_id}:${r.external_ref}`, { n: r.n as number, amount: BigInt(r.amount) }]));
    let lost = 0;
    let double = 0;
    let wrongAmount = 0;
    const expectedByAccount = new Map<string, bigint>();
    const sentKeys = new Set<string>();
    for (const e of events) {
      if (!e.acked) continue; // never acknowledged: the gateway promised nothing
      const account = accountOfClabe.get(e.clabe)!;
      const key = `${account}:${e.reference}`;
      sentKeys.add(key);
      expectedByAccount.set(account, (expectedByAccount.get(account) ?? 0n) + BigInt(e.centavos));
      const c = credited.get(key);
      if (!c) lost++;
      else if (c.n > 1) double++;
      else if (c.amount !== BigInt(e.centavos)) wrongAmount++;
    }
    const unexpected = [...credited.keys()].filter((k) => !sentKeys.has(k)).length;
    let balancesOk = 0;
    for (const [clabe, account] of accountOfClabe) {
      const b = await ledger.balances(account);
      if (b.posted === (expectedByAccount.get(account) ?? 0n)) balancesOk++;
      else console.log(`  balance mismatch on ${clabe}: ${b.posted} posted, ${expectedByAccount.get(account) ?? 0n} sent`);
    }
    console.log(`ledger check: ${sentKeys.size} distinct acknowledged events; lost ${lost}, double ${double}, wrong amount ${wrongAmount}, credits matching no event ${unexpected}; CLABE balances equal to their deposits: ${balancesOk}/${CLABES}`);

    // ---- 3. Credencial DEBIT ----
    const debitClient = new Client(port);
    const codes = new Map<string, number>();
    let dseq = 0;
    const debitStep = async (): Promise<boolean> => {
      const card = cards[randomInt(0, CARDS)];
      const amount = money(randomInt(1, 10_000));
      const r = await debitClient.webhook('/webhooks/credencial/debit', {
        emi_account_reference: '0001003143',
        emi_account_identifier: card.emi,
        account_number: Number(card.accountNumber),
        amount: Number(amount),
        currency: 484,
        amount_liq: Number(amount),
        currency_liq: 484,
        identifier_adq: '123456',
        reference: `DB${run}${dseq++}`,
        commission: 0,
        commission_liq: 0,
        origin: 'MASTER_POS',
        reason: 0,
        acquirer: 'BENCH',
        city: 'CDMX',
        date: '18/12/2012 03:29:30 PM',
        terminal: 'TERM0001',
        trade_name: 'BENCH STORE',
      });
      if (r.status !== 200) throw new Error(`DEBIT answered ${r.status}: ${r.body.slice(0, 300)}`);
      const code = String((JSON.parse(r.body) as { code: unknown }).code);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      return code === '-1';
    };
    await load(1000, DEBIT_CONCURRENCY, debitStep);
    codes.clear();
    const debitStatements0 = await statementCounts(port, 'pasarela_credencial_debit_statements_total');
    const checkpoints0 = await checkpoints(pool);
    const dwal0 = await walCounters(pool);
    const dcpu0 = cpuSnapshot(gateway.proc.pid, worker.proc.pid);
    const dmachine0 = machineTicks();
    const stopWaits = process.argv.includes('--waits') ? sampleWaits(pool) : undefined;
    const debit = await load(debitSeconds * 1000, DEBIT_CONCURRENCY, debitStep);
    const waits = await stopWaits?.();
    const dmachine1 = machineTicks();
    const dcpu1 = cpuSnapshot(gateway.proc.pid, worker.proc.pid);
    const dwal1 = await walCounters(pool);
    const checkpoints1 = await checkpoints(pool);
    const debitStatements1 = await statementCounts(port, 'pasarela_credencial_debit_statements_total');
    const debitRate = debit.calls / debit.seconds;
    console.log(
      `DEBIT: ${debit.calls} answered in ${debit.seconds.toFixed(1)} s = ${debitRate.toFixed(0)}/s (codes ${JSON.stringify(Object.fromEntries(codes))}), ` +
        `p50 ${pct(debit.latencies, 0.5).toFixed(2)} ms, p99 ${pct(debit.latencies, 0.99).toFixed(2)} ms, max ${pct(debit.latencies, 1).toFixed(1)} ms, errors ${debit.errors}`,
    );
    if (debit.firstError) console.log(`  first error: ${debit.firstError}`);
    // Whether the tail is spread over the phase or comes from a few stalls.
    console.log(`  per second (n, p50, p99 ms): ${(debit.bySecond ?? []).filter((l) => l?.length).map((l) => `${l.length} ${pct(l, 0.5).toFixed(1)} ${pct(l, 0.99).toFixed(1)}`).join(' | ')}`);
    console.log(`  CPU during the load, ms per DEBIT: ${cpuBreakdown(dcpu0, dcpu1, debit.calls)} (${machineLine(dmachine0, dmachine1)})`);
    console.log(`  authorization: ${statementLine(debitStatements0, debitStatements1, debit.calls)}`);
    // A checkpoint inside the phase (one forced by the SPEI IN phase's WAL, say) slows every write for a while.
    console.log(`  Postgres checkpoints during the phase: ${checkpoints1 - checkpoints0}`);
    if (waits) console.log(`  ${waits}`);
    // Authorization and (the settler keeping up) settlement.
    console.log(`  WAL during the load, per DEBIT: ${walLine(dwal0, dwal1, debit.calls)}`);

    // For context (not the issue's figure): the same DEBITs arriving at a steady rate, as a processor sends them,
    // at half the closed loop's throughput. A closed loop keeps 32 waiting, so its latency is 32 / throughput;
    // this shows the authorization's own latency when the machine is not saturated.
    // `--open-rate R` sets it (to compare builds at one rate).
    const openRate = process.argv.includes('--open-rate') ? arg('open-rate', 300) : Math.max(50, Math.round(debitRate / 2));
    const ocpu0 = cpuSnapshot(gateway.proc.pid, worker.proc.pid);
    const open = await openLoop(openSeconds * 1000, openRate, DEBIT_CONCURRENCY * 4, debitStep);
    const ocpu1 = cpuSnapshot(gateway.proc.pid, worker.proc.pid);
    console.log(
      `DEBIT at a steady ${openRate}/s (open loop, ${openSeconds} s): ${open.calls} answered, p50 ${pct(open.latencies, 0.5).toFixed(2)} ms, ` +
        `p99 ${pct(open.latencies, 0.99).toFixed(2)} ms, max ${pct(open.latencies, 1).toFixed(1)} ms, errors ${open.errors}, late starts ${open.late}`,
    );
    console.log(`  CPU, ms per DEBIT: ${cpuBreakdown(ocpu0, ocpu1, open.calls)}`);
    debitClient.close();

    // The settlements of the holds drain too, and the ledger stays balanced.
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const { rows } = await pool.query(`select count(*)::int as n from webhook_events where status = 'PENDING'`);
      if (rows[0].n === 0) break;
      await sleep(200);
    }
    const { rows: st } = await pool.query(`select status, count(*)::int as n from webhook_events where type = 'debit' group by status order by status`);
    const audit = await ledger.audit();
    console.log(`DEBIT settlement rows: ${st.map((r) => `${r.status} ${r.n}`).join(', ')}; ledger audit ${audit.ok ? 'ok' : 'FAILED'} (debits ${audit.debitsPosted} = credits ${audit.creditsPosted}, ${audit.mismatches.length} mismatches)`);
    const lateLoad = os.loadavg()[0].toFixed(2);
    console.log(`load average at the end: ${lateLoad}`);
    console.log(
      `webhooks: ${accepted.toFixed(0)} accepted/s, ${applied.toFixed(0)} applied/s, ack p99 ${pct(intake.latencies, 0.99).toFixed(1)} ms, lost ${lost}, double ${double}; ` +
        `debit: ${debitRate.toFixed(0)}/s p99 ${pct(debit.latencies, 0.99).toFixed(1)} ms`,
    );
  } finally {
    await Promise.all(children.map((c) => stop(c).catch(() => undefined)));
    await prisma.$disconnect().catch(() => undefined);
    await pool.close().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    if (!process.argv.includes('--keep')) await dropDatabase(servers.postgresUrl, database).catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
