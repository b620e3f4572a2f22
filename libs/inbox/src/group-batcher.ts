/** Since start: statements of one item, group statements (and failed ones), items sent in groups and left out of them. */
export interface GroupBatchStats {
  alone: number;
  groups: number;
  failedGroups: number;
  grouped: number;
  leftOut: number;
}

/**
 * Natural batching of statements, in lanes (DEBIT authorizations, webhook intake). Each item has a lane (the
 * caller picks it so that two lanes never lock the same rows: for DEBITs the settlement shard, for intake the
 * dedup key), and a lane runs one statement at a time. An item that finds its lane idle starts it on the next
 * turn of the event loop (so an idle gateway adds microseconds), with whatever else arrived in that turn; items
 * that arrive while their lane is busy wait, and when it frees up it takes up to `maxBatch` of them as one group
 * statement. So under load the per-statement cost (executor start,
 * constraint checks, the commit and its WAL flush, a round trip) is shared by the group, and an item waits at
 * most for the statement ahead of it.
 *
 * The group statement may leave items out (`undefined`): those, and every item of a group that failed, run
 * alone through `runOne`, which is the one decision for all outcomes; its errors reach the item's caller.
 */
export class GroupBatcher<T, R> {
  private readonly lanes: Array<{ busy: boolean; queue: Array<Waiting<T, R>> }>;
  readonly stats: GroupBatchStats = { alone: 0, groups: 0, failedGroups: 0, grouped: 0, leftOut: 0 };

  private readonly runOne: (item: T) => Promise<R>;

  constructor(
    runOne: (item: T) => Promise<R>,
    private readonly runGroup: (items: T[]) => Promise<Array<R | undefined>>,
    private readonly options: { lanes: number; maxBatch: number; onGroupError?: (err: unknown, size: number) => void },
  ) {
    this.lanes = Array.from({ length: Math.max(1, options.lanes) }, () => ({ busy: false, queue: [] }));
    this.runOne = (item) => {
      this.stats.alone++;
      return runOne(item);
    };
  }

  /** `lane`: any integer; items with the same one never run at the same time. */
  submit(item: T, lane: number): Promise<R> {
    const l = this.lanes[Math.abs(lane) % this.lanes.length];
    return new Promise<R>((resolve, reject) => {
      l.queue.push({ item, resolve, reject });
      if (!l.busy) {
        // An idle lane starts on the next turn of the event loop, not at once: requests read in the same turn
        // (a client's burst after its answers) then go as one statement instead of one alone and the rest
        // waiting for it. Idle, that costs a setImmediate (microseconds).
        l.busy = true;
        setImmediate(() => void this.run(l));
      }
    });
  }

  /** Items waiting for their lane (for tests and metrics). */
  get waiting(): number {
    return this.lanes.reduce((n, l) => n + l.queue.length, 0);
  }

  /**
   * Runs a lane's statements one after another. When one ends and items are waiting, the next statement is
   * started before the ended one's items are answered, and those answers go out on the next turn of the event
   * loop (setImmediate). pg sends a pooled query on the next tick, so answering first would have it wait for
   * everything the answers set off (the callers' responses written, say): the next statement would start only
   * after that work, and Postgres would sit idle through it. This way Postgres runs the next statement while
   * this process writes the answers of the last one.
   */
  private async run(lane: { busy: boolean; queue: Array<Waiting<T, R>> }): Promise<void> {
    let next = this.start(this.take(lane));
    for (;;) {
      const answer = await next;
      if (lane.queue.length === 0) {
        answer();
        break;
      }
      next = this.start(this.take(lane));
      setImmediate(answer);
    }
    lane.busy = false;
  }

  private take(lane: { queue: Array<Waiting<T, R>> }): Array<Waiting<T, R>> {
    return lane.queue.splice(0, Math.max(1, this.options.maxBatch));
  }

  /** Starts a batch's statement; resolves (never rejects) with what answers its items. */
  private start(batch: Array<Waiting<T, R>>): Promise<() => void> {
    if (batch.length === 1) {
      const [one] = batch;
      return settled(() => this.runOne(one.item)).then(
        (r) => () => one.resolve(r),
        (err: unknown) => () => one.reject(err),
      );
    }
    this.stats.groups++;
    this.stats.grouped += batch.length;
    return settled(() => this.runGroup(batch.map((b) => b.item))).then(
      (results) => () => this.answerGroup(batch, results),
      (err: unknown) => {
        // Nothing of the group was written (one statement): each item decides on its own.
        this.stats.failedGroups++;
        this.options.onGroupError?.(err, batch.length);
        return () => this.answerGroup(batch, []);
      },
    );
  }

  private answerGroup(batch: Array<Waiting<T, R>>, results: Array<R | undefined>): void {
    // The ones left out go alone, outside the lane, so they do not hold up the next group.
    batch.forEach((b, i) => {
      const r = results[i];
      if (r !== undefined) return b.resolve(r);
      this.stats.leftOut++;
      settled(() => this.runOne(b.item)).then(b.resolve, b.reject);
    });
  }
}

/** The call's promise, with a synchronous throw turned into a rejection (so a lane never stops on one). */
function settled<X>(call: () => Promise<X>): Promise<X> {
  try {
    return call();
  } catch (err) {
    return Promise.reject(err);
  }
}

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}
