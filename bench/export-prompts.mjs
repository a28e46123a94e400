// The child process of memory.bench.ts, in plain JavaScript so that nothing but the built package is in memory: streams
// a prepared prompts file (one Prompt per line, as `prompts prepare` writes it) through `exportRl` into verl Parquet,
// with the spec's texts as forbidden prompt content and Qwen3 token counts, as a run's export does, after
// `preferSmallHeap()` (V8's --optimize-for-size, as a library caller exporting at scale would). Prints the summary.
// Usage: node bench/export-prompts.mjs <dist/index.js> <spec folder> <prepared prompts file> <out .parquet>
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';

const [distIndex, specFolder, promptsFile, outFile] = process.argv.slice(2);
const { exportRl, loadSpec, preferSmallHeap, Prompt, specTexts } = await import(pathToFileURL(distIndex).href);
// As `prompts prepare` does: a million rows through a small live set, in a heap that grows no further than it must.
preferSmallHeap();

/** The lines of a UTF-8 file, read in 64 KB chunks (a character split between chunks is decoded whole). */
function* lines(file) {
  const descriptor = openSync(file, 'r');
  const chunk = Buffer.alloc(64 << 10);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for (let read = readSync(descriptor, chunk); read > 0; read = readSync(descriptor, chunk)) {
      const parts = (rest + decoder.write(chunk.subarray(0, read))).split('\n');
      rest = parts.pop();
      yield* parts;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(descriptor);
  }
}

function* prompts() {
  for (const line of lines(promptsFile)) if (line !== '') yield Prompt.parse(JSON.parse(line));
}

const spec = await loadSpec(specFolder);
const summary = exportRl(prompts(), { outFile, format: 'verl', specHash: spec.hash, forbiddenTexts: specTexts(spec) });
process.stdout.write(`${JSON.stringify({ rows: summary.rows, tokenStatistics: summary.tokenStatistics })}\n`);
