import { GroupBatcher } from './group-batcher.js';

/** A statement the test finishes by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupBatcher', () => {
  function harness(options: { lanes: number; maxBatch: number }) {
    const ones: Array<{ item: number; d: ReturnType<typeof deferred<string>> }> = [];
    const groups: Array<{ items: number[]; d: ReturnType<typeof deferred<Array<string | undefined>>> }> = [];
    const errors: Array<{ err: unknown; size: number }> = [];
    const batcher = new GroupBatcher<number, string>(
      (item) => {
        const d = deferred<string>();
        ones.push({ item, d });
        return d.promise;
      },
      (items) => {
        const d = deferred<Array<string | undefined>>();
        groups.push({ items, d });
        return d.promise;
      },
      { ...options, onGroupError: (err, size) => errors.push({ err, size }) },
    );
    return { batcher, ones, groups, errors };
  }

  it('runs an item alone, on the next turn, when its lane is idle', async () => {
    const { batcher, ones, groups } = harness({ lanes: 2, maxBatch: 10 });
    const a = batcher.submit(1, 0);
    const b = batcher.submit(2, 1); // another lane: not held up by the first
    expect(ones).toHaveLength(0);
    await tick();
    expect(ones.map((o) => o.item)).toEqual([1, 2]);
    ones[0].d.resolve('one');
    ones[1].d.resolve('two');
    await expect(a).resolves.toBe('one');
    await expect(b).resolves.toBe('two');
    expect(groups).toHaveLength(0);
  });

  it('sends what arrives in one turn at an idle lane as one statement', async () => {
    const { batcher, ones, groups } = harness({ lanes: 1, maxBatch: 10 });
    const burst = [1, 2, 3].map((i) => batcher.submit(i, 0));
    await tick();
    expect(ones).toHaveLength(0);
    expect(groups.map((g) => g.items)).toEqual([[1, 2, 3]]);
    groups[0].d.resolve(['r1', 'r2', 'r3']);
    await expect(Promise.all(burst)).resolves.toEqual(['r1', 'r2', 'r3']);
  });

  it('groups what waited for a busy lane, up to maxBatch, one statement per lane at a time', async () => {
    const { batcher, ones, groups } = harness({ lanes: 1, maxBatch: 3 });
    const first = batcher.submit(1, 7);
    await tick(); // item 1 alone: the lane is busy from here
    const waiting = [2, 3, 4, 5, 6].map((i) => batcher.submit(i, 7));
    expect(ones).toHaveLength(1);
    expect(groups).toHaveLength(0); // nothing else runs while the lane is busy
    ones[0].d.resolve('r1');
    await first;
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[2, 3, 4]]);
    groups[0].d.resolve(['r2', 'r3', 'r4']);
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[2, 3, 4], [5, 6]]);
    groups[1].d.resolve(['r5', 'r6']);
    await expect(Promise.all(waiting)).resolves.toEqual(['r2', 'r3', 'r4', 'r5', 'r6']);
    expect(ones).toHaveLength(1);
  });

  it('starts the next statement before it answers the last one\'s items, and answers them on the next turn', async () => {
    const { batcher, ones, groups } = harness({ lanes: 1, maxBatch: 2 });
    const events: string[] = [];
    const first = batcher.submit(1, 0);
    await tick();
    const group = [2, 3].map((i) => batcher.submit(i, 0).then((r) => events.push(`answered ${r}`)));
    const last = batcher.submit(4, 0).then((r) => events.push(`answered ${r}`));
    ones[0].d.resolve('r1');
    await first;
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[2, 3]]);
    groups[0].d.resolve(['r2', 'r3']);
    // The group's items are not answered before the next statement (item 4, alone) has started.
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(ones.map((o) => o.item)).toEqual([1, 4]);
    expect(events).toEqual([]);
    await Promise.all(group);
    expect(events).toEqual(['answered r2', 'answered r3']);
    // With nothing waiting, the last statement's item is answered at once.
    ones[1].d.resolve('r4');
    await last;
    expect(events).toEqual(['answered r2', 'answered r3', 'answered r4']);
  });

  it('sends the items a group left out through runOne, and the lane goes on meanwhile', async () => {
    const { batcher, ones, groups } = harness({ lanes: 1, maxBatch: 10 });
    const first = batcher.submit(1, 0);
    await tick();
    const a = batcher.submit(2, 0);
    const b = batcher.submit(3, 0);
    const c = batcher.submit(4, 0);
    ones[0].d.resolve('r1');
    await first;
    await tick();
    groups[0].d.resolve(['r2', undefined, 'r4']);
    await tick();
    expect(ones.map((o) => o.item)).toEqual([1, 3]);
    const later = batcher.submit(5, 0); // the lane is free again: item 5 does not wait for item 3
    await tick();
    expect(ones.map((o) => o.item)).toEqual([1, 3, 5]);
    ones[1].d.resolve('r3 alone');
    ones[2].d.resolve('r5');
    await expect(Promise.all([a, b, c, later])).resolves.toEqual(['r2', 'r3 alone', 'r4', 'r5']);
    expect(batcher.stats).toEqual({ alone: 3, groups: 1, failedGroups: 0, grouped: 3, leftOut: 1 });
  });

  it('runs every item of a failed group alone, and hands each its own error', async () => {
    const { batcher, ones, groups, errors } = harness({ lanes: 1, maxBatch: 10 });
    const first = batcher.submit(1, 0);
    await tick();
    const a = batcher.submit(2, 0);
    const b = batcher.submit(3, 0);
    ones[0].d.resolve('r1');
    await first;
    await tick();
    const boom = new Error('lock timeout');
    groups[0].d.reject(boom);
    await tick();
    expect(errors).toEqual([{ err: boom, size: 2 }]);
    expect(ones.map((o) => o.item)).toEqual([1, 2, 3]);
    ones[1].d.resolve('r2');
    ones[2].d.reject(new Error('declined on its own'));
    await expect(a).resolves.toBe('r2');
    await expect(b).rejects.toThrow('declined on its own');
    expect(batcher.stats).toEqual({ alone: 3, groups: 1, failedGroups: 1, grouped: 2, leftOut: 2 });
  });

  it('keeps a lane going after an item alone fails', async () => {
    const { batcher, ones } = harness({ lanes: 1, maxBatch: 1 });
    const a = batcher.submit(1, 0);
    const b = batcher.submit(2, 0);
    await tick();
    ones[0].d.reject(new Error('no'));
    await expect(a).rejects.toThrow('no');
    await tick();
    expect(ones.map((o) => o.item)).toEqual([1, 2]);
    ones[1].d.resolve('r2');
    await expect(b).resolves.toBe('r2');
    expect(batcher.waiting).toBe(0);
  });

  it('treats a statement that throws at once like one that fails, and the lane goes on', async () => {
    let calls = 0;
    const batcher = new GroupBatcher<number, string>(
      (item) => {
        calls++;
        if (item === 2) throw new Error('bad item');
        return Promise.resolve(`r${item}`);
      },
      () => {
        throw new Error('bad group');
      },
      { lanes: 1, maxBatch: 10 },
    );
    const items = [1, 2, 3].map((i) => batcher.submit(i, 0).then((r) => r, (e: Error) => e.message));
    await expect(Promise.all(items)).resolves.toEqual(['r1', 'bad item', 'r3']);
    expect(batcher.stats).toMatchObject({ groups: 1, failedGroups: 1, leftOut: 3 });
    await expect(batcher.submit(4, 0)).resolves.toBe('r4');
    expect(calls).toBe(4);
  });
});
