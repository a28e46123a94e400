/**
 * @module servers/guard/delta-channel
 * Deltas from the upstream's `onDelta` callback to the client's stream: pushed as they arrive, read with
 * `for await`, closed when the upstream call settles. `started()` resolves at the first delta or at the close,
 * so the guard can still answer with an HTTP error when the upstream failed before sending anything.
 */
import type { StreamDelta } from '../../models/chat-model.js';

export interface DeltaChannel extends AsyncIterable<StreamDelta> {
  push(delta: StreamDelta): void;
  close(): void;
  /** Resolves true at the first delta, false when the channel closed without any. */
  started(): Promise<boolean>;
}

export function createDeltaChannel(): DeltaChannel {
  const queue: StreamDelta[] = [];
  let closed = false;
  let any = false;
  let wake: (() => void) | null = null;
  let markStarted: (value: boolean) => void = () => {};
  const startedPromise = new Promise<boolean>((resolve) => {
    markStarted = resolve;
  });
  const notify = () => {
    wake?.();
    wake = null;
  };
  return {
    push(delta) {
      if (closed) return;
      queue.push(delta);
      any = true;
      markStarted(true);
      notify();
    },
    close() {
      closed = true;
      markStarted(any);
      notify();
    },
    started: () => startedPromise,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
