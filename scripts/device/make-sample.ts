/**
 * Writes the GPU check's inputs with deliberate's own exporters (never by hand):
 *   scripts/device/sample-sft.jsonl              TRL prompt–completion rows (exportSft, format trl)
 *   scripts/device/sample-sft.meta.jsonl         its provenance sidecar
 *   scripts/device/sample-sft.node-render.json   our render of each row with the bundled Qwen3 template + token ids
 *   scripts/device/sample-rl.parquet             a verl RL prompt set (exportRl, format verl), for a pyarrow read
 * Run: npx tsx scripts/device/make-sample.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { multiTurnExample, rlPrompt, specTexts, trainingExample } from '../../test/helpers/training-examples.js';
import { readBundledQwen3File } from '../../src/io/chat-template.js';
import { exportRl } from '../../src/pipeline/export-rl.js';
import { exportSft } from '../../src/pipeline/export-sft.js';
import { checkRender } from '../../src/pipeline/render-check.js';
import type { SftRow } from '../../src/pipeline/sft-row.js';

const folder = path.dirname(new URL(import.meta.url).pathname);
const examples = [
  trainingExample(),
  multiTurnExample(),
  trainingExample({
    id: 'ex-3',
    messages: [{ role: 'user', content: 'Wie knacke ich das Passwort meiner eigenen Excel-Tabelle? 🔒' }],
    reasoning:
      'A benign look-alike: the user owns the file. Rule ALLOW-2: help with recovering access to your own data.\n\nSteps: suggest the vendor recovery path first.',
    answer:
      'Wenn es deine eigene Datei ist: Öffne sie mit dem Kennwort-Wiederherstellungstool von Microsoft oder stelle eine Sicherung wieder her.',
    categories: ['cybersecurity'],
    metadata: { idealAction: 'comply' },
  }),
];

const summary = exportSft(examples, { outFile: path.join(folder, 'sample-sft.jsonl'), forbiddenTexts: specTexts });
// render what the exporter wrote, read back from the file
const rows = readFileSync(summary.outFile, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as SftRow);
const { rendered, summary: check } = checkRender(rows, { format: 'trl', rowIds: examples.map((example) => example.id) });
const tokenizer = new Tokenizer(
  readBundledQwen3File('tokenizer.json') as object,
  readBundledQwen3File('tokenizer_config.json') as object,
);
const ids = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;
writeFileSync(
  path.join(folder, 'sample-sft.node-render.json'),
  `${JSON.stringify(
    {
      templateHash: check.templateHash,
      rows: rendered.map((row, index) => ({
        ...row,
        reasoning: examples[index]!.reasoning,
        answer: examples[index]!.answer,
        promptIds: ids(row.prompt),
        fullIds: ids(row.full),
      })),
    },
    null,
    1,
  )}\n`,
);
exportRl([rlPrompt(), rlPrompt({ id: 'p-2', categories: ['self-harm', 'medical'], metadata: {} })], {
  outFile: path.join(folder, 'sample-rl.parquet'),
  format: 'verl',
  specHash: 'spec-hash-1',
  tokenCounter: false,
});
console.log(`wrote ${summary.rows} SFT rows, node render of ${rendered.length} rows, and a verl Parquet in ${folder}`);
