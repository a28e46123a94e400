import { describe, expect, it } from 'vitest';
import { createTurnBatch } from './turn-batch.js';

describe('createTurnBatch', () => {
  it('writes the items added in one turn together, in order, and resolves each add only after the write', async () => {
    const writes: number[][] = [];
    const batch = createTurnBatch<number>((items) => writes.push([...items]));
    const written: number[] = [];
    const first = [1, 2, 3].map((n) => batch.add(n).then(() => written.push(n)));
    expect(writes).toEqual([]);
    await Promise.all(first);
    expect(writes).toEqual([[1, 2, 3]]);
    expect(written).toEqual([1, 2, 3]);
    await batch.add(4);
    expect(writes).toEqual([[1, 2, 3], [4]]);
  });

  it("rejects every add of a batch whose write throws, with the write's error, and goes on with the next batch", async () => {
    let fail = true;
    const batch = createTurnBatch<string>(() => {
      if (fail) throw new Error('disk full');
    });
    const results = await Promise.allSettled([batch.add('a'), batch.add('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('disk full'));
    fail = false;
    await expect(batch.add('c')).resolves.toBeUndefined();
  });

  it('flush writes the queued items at once', async () => {
    const writes: string[][] = [];
    const batch = createTurnBatch<string>((items) => writes.push(items));
    const pending = batch.add('x');
    batch.flush();
    expect(writes).toEqual([['x']]);
    await pending;
    batch.flush();
    expect(writes).toEqual([['x']]);
  });
});
