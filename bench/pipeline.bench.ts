/**
 * Pipeline: intake (dedup + decontamination) on synthetic prompts, deterministic validation, and a whole `run`
 * against a local fake server (pipeline overhead, not model speed), then the same run resumed from its stored state.
 * Run: `npm run bench -- pipeline`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../src/cli/main.js';
import { decontaminatePrompts } from '../src/pipeline/decontaminate-prompts.js';
import { dedupPrompts } from '../src/pipeline/dedup-prompts.js';
import { validateCompletion } from '../src/pipeline/validate-completion.js';
import type { Prompt } from '../src/records/prompt.js';
import { loadSpec } from '../src/spec/load-spec.js';
import { specIds } from '../src/spec/spec-ids.js';
import { pipelineHandler, tinySpecFolder, writeProject } from '../test/e2e/pipeline-fixture.js';
import { startFakeOpenAIServer } from '../test/helpers/fake-openai-server.js';
import type { Bench } from './bench-report.js';

const words = 'lock key door house safe alarm window garden neighbour street car bank phone email password code'.split(
  ' ',
);

/** Deterministic pseudo-random prompts of 12–40 words; every tenth repeats an earlier one with one word changed. */
function syntheticPrompts(count: number): Prompt[] {
  let state = 7;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const prompts: Prompt[] = [];
  for (let index = 0; index < count; index++) {
    let text: string;
    if (index % 10 === 9 && prompts.length > 0) {
      const earlier = prompts[next() % prompts.length]!.messages[0]!.content.split(' ');
      earlier[next() % earlier.length] = 'changed';
      text = earlier.join(' ');
    } else {
      const length = 12 + (next() % 29);
      text = Array.from({ length }, () => `${words[next() % words.length]}${next() % 50}`).join(' ');
    }
    prompts.push({
      schemaVersion: 1,
      id: `p${index}`,
      messages: [{ role: 'user', content: text }],
      categories: [],
      metadata: {},
    });
  }
  return prompts;
}

/** The baseline: exact Jaccard similarity of word 3-gram shingles for every pair (what MinHash + LSH approximates). */
function pairwiseNearDuplicates(prompts: Prompt[], threshold: number): number {
  const shingles = prompts.map((prompt) => {
    const tokens = prompt.messages[0]!.content.toLowerCase().split(/\s+/);
    const set = new Set<string>();
    for (let index = 0; index + 3 <= tokens.length; index++) set.add(tokens.slice(index, index + 3).join(' '));
    return set;
  });
  let duplicates = 0;
  for (let a = 0; a < shingles.length; a++) {
    for (let b = 0; b < a; b++) {
      let shared = 0;
      for (const shingle of shingles[a]!) if (shingles[b]!.has(shingle)) shared++;
      if (shared / (shingles[a]!.size + shingles[b]!.size - shared) >= threshold) {
        duplicates++;
        break;
      }
    }
  }
  return duplicates;
}

async function benchIntake(bench: Bench) {
  const sample = syntheticPrompts(3_000);
  let sampleStarted = performance.now();
  const minhash = dedupPrompts(sample, { exact: false, nearDuplicateThreshold: 0.8, shingleSize: 3 });
  const minhashSeconds = (performance.now() - sampleStarted) / 1000;
  sampleStarted = performance.now();
  const pairwise = pairwiseNearDuplicates(sample, 0.8);
  const pairwiseSeconds = (performance.now() - sampleStarted) / 1000;
  bench.figure({
    id: 'intake.near-dedup.speed-up',
    what: 'near-duplicate search over 3,000 prompts: MinHash + LSH seconds',
    value: minhashSeconds,
    unit: 's',
    baseline: { what: 'exact pairwise Jaccard', value: pairwiseSeconds },
    ratio: pairwiseSeconds / minhashSeconds,
    notes: `ratio = speed-up; ${minhash.removed.length} removed vs ${pairwise} exact near duplicates`,
  });
  console.log(
    `near-dedup of 3,000 prompts: MinHash + LSH ${minhashSeconds.toFixed(2)} s (${minhash.removed.length} removed); baseline exact pairwise Jaccard ${pairwiseSeconds.toFixed(2)} s (${pairwise} near duplicates); speed-up ${(pairwiseSeconds / minhashSeconds).toFixed(1)}x`,
  );

  const prompts = syntheticPrompts(20_000);
  const started = performance.now();
  const { kept, removed } = dedupPrompts(prompts, { exact: true, nearDuplicateThreshold: 0.8, shingleSize: 3 });
  const dedupSeconds = (performance.now() - started) / 1000;
  const evalSet = {
    name: 'eval',
    items: syntheticPrompts(2_000).map((prompt, index) => ({
      location: `eval:${index}`,
      text: prompt.messages[0]!.content,
    })),
  };
  const decontaminateStarted = performance.now();
  const decontaminated = decontaminatePrompts(kept, [evalSet], { ngram: 8 });
  const decontaminateSeconds = (performance.now() - decontaminateStarted) / 1000;
  console.log(
    `intake: dedup of 20,000 prompts in ${dedupSeconds.toFixed(2)} s (${removed.length} removed); decontamination of ${kept.length} against 2,000 items (8-grams; the set repeats the first 2,000 prompts by construction) in ${decontaminateSeconds.toFixed(2)} s (${decontaminated.removed.length} removed)`,
  );
}

async function benchValidation() {
  const spec = await loadSpec(tinySpecFolder);
  const ids = specIds(spec);
  const completion = {
    reasoning:
      'The user asks how locks work. illicit.K0 says neutral information is allowed; following style.comply I answer. '.repeat(
        20,
      ),
    answer: 'Pin tumbler locks use pins of different lengths. '.repeat(20),
    finishReason: 'stop' as const,
  };
  const count = 20_000;
  const started = performance.now();
  for (let index = 0; index < count; index++) validateCompletion(completion, { ids });
  const seconds = (performance.now() - started) / 1000;
  console.log(`validate: ${(count / seconds).toFixed(0)} completions/s (2.3 KB reasoning, 1 KB answer each)`);
}

async function benchRun() {
  const server = await startFakeOpenAIServer(pipelineHandler);
  const folder = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'));
  try {
    const prompts = Array.from({ length: 100 }, (_, index) => ({
      id: `q${index}`,
      prompt: `How do pin tumbler locks work, part ${index}?`,
      categories: ['illicit'],
    }));
    writeProject(folder, { baseUrl: server.baseUrl, prompts, samples: 4, runs: 3, concurrency: 8 });
    writeFileSync(path.join(folder, 'prompts.jsonl'), prompts.map((prompt) => `${JSON.stringify(prompt)}\n`).join(''));
    const context = {
      stdout: () => {},
      stderr: () => {},
      env: {},
      cwd: folder,
      signal: new AbortController().signal,
      interactive: false,
    };
    const started = performance.now();
    await main(['run', '--json'], context);
    const seconds = (performance.now() - started) / 1000;
    const requests = server.requests.length;
    const resumeStarted = performance.now();
    await main(['run', '--json'], context);
    const resumeSeconds = (performance.now() - resumeStarted) / 1000;
    console.log(
      `run: 100 prompts × 4 samples, judge k=3 against a local fake server: ${requests} requests in ${seconds.toFixed(2)} s (${(requests / seconds).toFixed(0)} req/s, export with Qwen3 token counts included); re-run from stored state ${resumeSeconds.toFixed(2)} s, ${server.requests.length - requests} new requests`,
    );
  } finally {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

export async function run(bench: Bench) {
  await benchIntake(bench);
  await benchValidation();
  await benchRun();
}
