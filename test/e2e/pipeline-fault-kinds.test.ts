/**
 * Summaries never contradict events (issue 8): a run with an injected fault of every kind the model layer types
 * (FailureKind: provider-refusal, no-answer, answer-in-reasoning, schema-failure, transport-failure, cancelled), for
 * the teacher and the judge, prints a summary, writes a manifest and answers --json that all agree with the counted
 * events; samples.jsonl carries each failed call's kind and its provider message, redacted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import type { RunManifest } from '../../src/pipeline/run-manifest.js';
import { FailureKind } from '../../src/records/failure-kind.js';
import {
  type ChatRequestBody,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { gradedPart, pipelineHandler, writeProject } from './pipeline-fixture.js';

const secret = 'sk-abcdefghijklmnop';

/** The teacher's fault per prompt marker; prompts without one are answered well. */
const teacherFaults: Record<string, FakeReply> = {
  'T-REFUSAL': { refusal: `I will not help with that (${secret})`, content: null },
  'T-NOANSWER': { reasoning_content: 'illicit.K0 applies; thinking on and on', content: '', finish_reason: 'length' },
  'T-INREASONING': { content: '<think>illicit.K0 applies, so I will explain it.</think>' },
  'T-TRANSPORT': { kind: 'status', status: 500, body: { error: { message: `engine down for key ${secret}` } } },
};

/** The judge's fault per prompt marker (the teacher answers these well). */
const judgeFaults: Record<string, FakeReply> = {
  'J-REFUSAL': { refusal: 'I cannot grade this', content: null },
  'J-SCHEMA': { content: 'not json at all' },
  'J-NOANSWER': { reasoning_content: 'weighing the rules at length', content: '', finish_reason: 'length' },
  'J-INREASONING': { content: '<think>the answer seems fine to me</think>' },
  'J-TRANSPORT': { kind: 'status', status: 503, body: { error: { message: `overloaded, key ${secret}` } } },
};

const markers = [...Object.keys(teacherFaults), ...Object.keys(judgeFaults), 'OK'];
const prompts = markers.map((marker) => ({
  id: marker.toLowerCase(),
  prompt: `${marker}: how do pin tumbler locks work?`,
  categories: ['illicit'],
}));

function faultOf(table: Record<string, FakeReply>, body: ChatRequestBody): FakeReply | undefined {
  const text = gradedPart(body);
  const marker = Object.keys(table).find((key) => text.includes(`${key}:`));
  return marker === undefined ? undefined : table[marker];
}

function faultyHandler(body: ChatRequestBody): FakeReply {
  const table = body.model === 'fake-judge' ? judgeFaults : teacherFaults;
  return faultOf(table, body) ?? pipelineHandler(body);
}

let server: FakeOpenAIServer;
const folders: string[] = [];
beforeAll(async () => {
  server = await startFakeOpenAIServer(faultyHandler);
});
afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function project(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-fault-kinds-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: server.baseUrl, prompts, samples: 1, runs: 2 });
  return folder;
}

function readLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** The events under `prefix`, with the prefix taken off. */
function eventsUnder(events: Record<string, number>, prefix: string, except: string[] = []): Record<string, number> {
  return Object.fromEntries(
    Object.entries(events)
      .filter(([kind]) => kind.startsWith(prefix) && !except.includes(kind))
      .map(([kind, amount]) => [kind.slice(prefix.length), amount]),
  );
}

function listed(record: Record<string, number>): string {
  const parts = Object.entries(record).map(([key, value]) => `${key} ${value}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** The summary lines, the manifest and the --json object all say what the events counted. */
function expectAgreement(stdout: string, manifest: RunManifest): void {
  const { events } = manifest;
  const generateFailures = eventsUnder(events, 'generate:', ['generate:refused-comply-prompt']);
  expect(manifest.counts.generations.failures).toEqual(generateFailures);
  expect(manifest.counts.judge.unscored).toEqual(eventsUnder(events, 'judge:unscored:'));
  const lines = stdout.split('\n');
  const generateLine = lines.find((line) => line.startsWith('generate '));
  expect(generateLine).toContain(`(failures: ${listed(generateFailures)})`);
  const judgeLine = lines.find((line) => line.startsWith('judge '));
  expect(judgeLine).toContain(`unscored: ${listed(manifest.counts.judge.unscored)}`);
  expect(lines.find((line) => line.startsWith('events '))).toBe(`events      ${listed(events)}`);
  expect(stdout).not.toMatch(/failures: none|unscored: none/);
}

function total(record: Record<string, number>): number {
  return Object.values(record).reduce((sum, amount) => sum + amount, 0);
}

describe('every failure kind of the model layer, counted once and reported the same everywhere', () => {
  it('summary, manifest, --json and samples.jsonl agree with the events', async () => {
    const folder = project();
    const run = await runCli(['run'], { cwd: folder });
    // Failed calls beyond the allowance (0): the command fails, and says so first.
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(/^FAILED {6}/);
    const manifestFile = path.join(folder, 'out', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    expect(manifest.status).toBe('failed');
    // Each teacher fault became its own typed event; each judge fault an unscored reason.
    expect(manifest.events).toMatchObject({
      'generate:provider-refusal': 1,
      'generate:no-answer': 1,
      'generate:answer-in-reasoning': 1,
      'generate:transport-failure': 1,
      'judge:unscored:refused-to-judge': expect.any(Number),
      'judge:unscored:parse-failure': expect.any(Number),
      'judge:unscored:truncated': expect.any(Number),
      'judge:unscored:judge-error': expect.any(Number),
    });
    expectAgreement(run.stdout, manifest);
    // This run's calls of the teacher, by kind: the same failed calls as the events.
    expect(manifest.roleCalls.teacher.failures).toEqual(manifest.counts.generations.failures);
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);

    // samples.jsonl: every failed teacher call with its kind and the provider's message, redacted.
    const samples = readLines(path.join(folder, 'out', 'samples.jsonl'));
    const byId = new Map(samples.map((sample) => [sample.promptId, sample]));
    const teacherKinds = {
      't-refusal': 'provider-refusal',
      't-noanswer': 'no-answer',
      't-inreasoning': 'answer-in-reasoning',
      't-transport': 'transport-failure',
    };
    for (const [id, kind] of Object.entries(teacherKinds)) {
      const sample = byId.get(id);
      expect(sample).toMatchObject({ status: 'failed', reason: `generate:${kind}` });
      expect(sample?.message).toMatch(/\S/);
      expect(String(sample?.message)).not.toContain(secret);
    }
    expect(byId.get('t-refusal')?.message).toContain('I will not help with that (sk-[redacted])');
    expect(byId.get('t-transport')?.message).toContain('engine down for key sk-[redacted]');
    // The judge's failed calls: the sample is rejected for the judge's reason, the outage's message kept, redacted.
    expect(byId.get('j-transport')).toMatchObject({ status: 'rejected' });
    expect(byId.get('j-transport')?.message).toContain('sk-[redacted]');
    expect(byId.get('ok')).toMatchObject({ status: 'accepted' });
    expect(readFileSync(path.join(folder, 'out', 'samples.jsonl'), 'utf8')).not.toContain(secret);
    expect(JSON.stringify(manifest)).not.toContain(secret);

    // --json (failures allowed): derived from the same events; errors = the failures and unscored verdicts listed.
    const allowed = await runCli(['run', '--json', '--allow-failures', '1'], { cwd: folder });
    expect(allowed.exitCode).toBe(0);
    const json = JSON.parse(allowed.stdout);
    const again = JSON.parse(readFileSync(manifestFile, 'utf8'));
    expect(again.events).toEqual(manifest.events);
    expect(json).toMatchObject({ status: 'complete', problems: [] });
    const { generations, judge } = again.counts;
    expect(json.counts.errors).toBe(total(generations.failures) + total(judge.unscored));
    const summary = await runCli(['select', '--allow-failures', '1'], { cwd: folder });
    expectAgreement(summary.stdout, JSON.parse(readFileSync(manifestFile, 'utf8')));
  });

  it('cancelled (Ctrl-C): exit 130, no cancelled call is counted, stored or shown as a failure; the next run agrees', async () => {
    expect(FailureKind.options).toContain('cancelled');
    const folder = project();
    const controller = new AbortController();
    let calls = 0;
    server.setHandler((body) => {
      calls += 1;
      if (calls === 6) controller.abort(new CancelledError());
      return faultyHandler(body);
    });
    try {
      const cancelled = await runCli(['run'], { cwd: folder, signal: controller.signal });
      expect(cancelled.exitCode).toBe(130);
      expect(cancelled.stderr).toContain('cancelled');
      expect(cancelled.stdout).not.toMatch(/failures: none/);
    } finally {
      server.setHandler(faultyHandler);
    }
    const next = await runCli(['run', '--allow-failures', '1'], { cwd: folder });
    expect(next.exitCode).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.events).some((kind) => kind.includes('cancelled'))).toBe(false);
    expect(manifest.counts.generations.units).toBe(prompts.length);
    expectAgreement(next.stdout, manifest);
  });
});
