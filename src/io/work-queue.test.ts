import { describe, expect, it } from 'vitest';
import { createWorkQueue } from './work-queue.js';

describe('createWorkQueue', () => {
  it('runs every task within the concurrency', async () => {
    const queue = createWorkQueue(2);
    let running = 0;
    let most = 0;
    const done: number[] = [];
    for (let index = 0; index < 6; index++) {
      queue.add(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        done.push(index);
      });
    }
    await queue.done();
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('stops starting tasks after the first error and rethrows it from done()', async () => {
    const queue = createWorkQueue(1);
    const started: number[] = [];
    for (let index = 0; index < 4; index++) {
      queue.add(async () => {
        started.push(index);
        if (index === 1) throw new Error('unit 1 failed');
      });
    }
    await expect(queue.done()).rejects.toThrow('unit 1 failed');
    expect(started).toEqual([0, 1]);
  });
});

describe('createWorkQueue stop', () => {
  it('starts no task after stop and rethrows the stop error from done()', async () => {
    const queue = createWorkQueue(1);
    const ran: number[] = [];
    queue.add(async () => {
      ran.push(0);
      queue.stop(new Error('interrupted'));
    });
    queue.add(async () => {
      ran.push(1);
    });
    await expect(queue.done()).rejects.toThrow('interrupted');
    expect(ran).toEqual([0]);
    expect(queue.stopped).toBe(true);
  });
});
