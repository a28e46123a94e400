/**
 * The baseline client: a bare `fetch` loop replaying recorded request bodies (the exact bytes deliberate sent), N at a
 * time, reading each reply as text, with no parsing, cache, store or retries.
 *
 *   tsx bench/bare-fetch.ts <baseUrl> <bodies.jsonl> <concurrency> [at most this many bodies, the first ones]
 */
import { readFileSync } from 'node:fs';

const [baseUrl, bodiesFile, concurrencyText, limitText] = process.argv.slice(2);
const bodies = readFileSync(bodiesFile!, 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, limitText ? Number(limitText) : undefined);
const url = `${baseUrl}/chat/completions`;
let next = 0;
let failed = 0;
const worker = async () => {
  while (next < bodies.length) {
    const body = bodies[next++]!;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.text();
    if (!response.ok) failed++;
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ requests: bodies.length, failed, seconds })}\n`);
