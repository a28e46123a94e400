/**
 * Hostile input (issue 8): a clear error with file:line(:col), never a stack trace, a hang or a silent change.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, writeProject } from './pipeline-fixture.js';

let server: FakeOpenAIServer;
const folders: string[] = [];
beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
});
afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function project(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-hostile-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: server.baseUrl, prompts: fixturePrompts.slice(0, 2) });
  return folder;
}

/** Nine levels of nine aliases each: about 387 million strings once expanded. */
const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
].join('\n');

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

function expectCleanError(run: { exitCode: number; stderr: string }, where: RegExp, message: string): void {
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toMatch(where);
  expect(run.stderr).toContain(message);
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('YAML alias bombs', () => {
  it('in deliberate.yaml: file:line:col of the first alias', async () => {
    const folder = project();
    edit(path.join(folder, 'deliberate.yaml'), (text) => `${aliasBomb}\n${text}`);
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(run, /deliberate\.yaml:2:8: error: invalid YAML: too many YAML aliases/, 'alias bomb');
  });

  it('in the spec front matter and in a rule block: spec check and run both name file:line:col', async () => {
    const folder = project();
    edit(path.join(folder, 'spec', 'spec.md'), (text) =>
      text.replace('id: tiny-safety', `id: tiny-safety\n${aliasBomb}`),
    );
    const check = await runCli(['spec', 'check', 'spec'], { cwd: folder });
    expectCleanError(check, /spec\.md:\d+:\d+/, 'too many YAML aliases');
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(run, /spec\.md:\d+:\d+/, 'too many YAML aliases');

    const second = project();
    edit(path.join(second, 'spec', 'categories', 'illicit.md'), (text) =>
      text.replace('```yaml\nexcludes:', `\`\`\`yaml\n${aliasBomb}\nexcludes:`),
    );
    const rule = await runCli(['spec', 'check', 'spec'], { cwd: second });
    expectCleanError(rule, /illicit\.md:\d+:\d+/, 'too many YAML aliases');
  });

  it('an over-deep document (5,000 nested lists) in deliberate.yaml or front matter: nested too deeply, at file:line:col', async () => {
    const deep = `deep: ${'['.repeat(5000)}${']'.repeat(5000)}`;
    const folder = project();
    edit(path.join(folder, 'deliberate.yaml'), (text) => `${text}\n${deep}\n`);
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(
      run,
      /deliberate\.yaml:\d+:\d+: error: invalid YAML: the YAML is nested too deeply to read/,
      'flatten',
    );
    expect(run.stderr).not.toContain('call stack');
    const spec = project();
    edit(path.join(spec, 'spec', 'spec.md'), (text) => text.replace('id: tiny-safety', `id: tiny-safety\n${deep}`));
    const check = await runCli(['spec', 'check', 'spec'], { cwd: spec });
    expectCleanError(
      check,
      /spec\.md:\d+:\d+: error: invalid YAML in the front matter: the YAML is nested too deeply/,
      'flatten',
    );
    expect(check.stderr).not.toContain('call stack');
  });
});

function writePrompts(folder: string, lines: Array<string | Buffer>): void {
  writeFileSync(
    path.join(folder, 'prompts.jsonl'),
    Buffer.concat(lines.map((line) => Buffer.concat([Buffer.from(line), Buffer.from('\n')]))),
  );
}

const okRow = JSON.stringify({ id: 'locks', prompt: 'How do pin tumbler locks work?', categories: ['illicit'] });

describe('prompt rows at intake, before any request', () => {
  it('5,000 levels of nested metadata: file:line error, no request sent', async () => {
    const folder = project();
    const nested = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    writePrompts(folder, [okRow, `{"id":"deep","prompt":"hi","metadata":{"x":${nested}}}`]);
    const before = server.requests.length;
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(
      run,
      /prompts\.jsonl:2: error: \(record\): the row is nested more than 32 levels deep/,
      'intake.maxRowDepth',
    );
    expect(server.requests.length).toBe(before);
  });

  it('invalid UTF-8 in a prompts file: file:line error, or a counted skip with --skip-invalid (never U+FFFD)', async () => {
    const folder = project();
    writePrompts(folder, [
      okRow,
      Buffer.from([...Buffer.from('{"id":"latin","prompt":"S'), 0xe9, ...Buffer.from('curit"}')]),
    ]);
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(run, /prompts\.jsonl:2: error: \(line\): invalid UTF-8: byte 0xE9/, 'save the file as UTF-8');
    const skipped = await runCli(['run', '--skip-invalid'], { cwd: folder });
    expect(skipped.exitCode).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.events['intake:invalid-row']).toBe(1);
    expect(readFileSync(path.join(folder, 'out', 'sft.jsonl'), 'utf8')).not.toContain('\uFFFD');
  });

  it('a field of the wrong type is an error, never coerced ("categories": "illicit")', async () => {
    const folder = project();
    writePrompts(folder, [JSON.stringify({ id: 'p1', prompt: 'How do locks work?', categories: 'illicit' })]);
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(run, /prompts\.jsonl:1: error: categories: categories must be a list of category ids/, '');
  });

  it('an unknown category names file:line like every other row error', async () => {
    const folder = project();
    writePrompts(folder, [okRow, JSON.stringify({ id: 'p1', prompt: 'hello', categories: ['weapons'] })]);
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(
      run,
      /prompts\.jsonl:2: error: 1 prompt names categories the spec does not define: p1 \(weapons\)/,
      '',
    );
  });

  it('an 8 MB prompt is rejected at intake with its row and size; one that cannot fit the context window too', async () => {
    const folder = project();
    writePrompts(folder, [okRow, JSON.stringify({ id: 'huge', prompt: 'a '.repeat(4_000_000) })]);
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(
      run,
      /prompts\.jsonl:2: error: messages: the conversation has 8000000 characters, more than the limit of 1000000/,
      '',
    );
    const small = project();
    edit(path.join(small, 'deliberate.yaml'), (text) =>
      text.replace('    model: fake-teacher\n', '    model: fake-teacher\n    contextWindow: 20000\n'),
    );
    writePrompts(small, [okRow, JSON.stringify({ id: 'long', prompt: 'word '.repeat(20_000) })]);
    const before = server.requests.length;
    const tooLong = await runCli(['run'], { cwd: small });
    expectCleanError(
      tooLong,
      /prompts\.jsonl:2: error: prompt long cannot fit the teacher's context window: about \d+ tokens/,
      '> 20000 (models.teacher.contextWindow)',
    );
    expect(server.requests.length).toBe(before);
  });

  it("without contextWindow in the settings, the server's model card gives the window, and the error says so", async () => {
    const vllm = await startFakeOpenAIServer(pipelineHandler, {
      models: ['fake-teacher', 'fake-judge'],
      modelCards: { 'fake-teacher': { owned_by: 'vllm', max_model_len: 20000 } },
    });
    try {
      const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-hostile-'));
      folders.push(folder);
      writeProject(folder, { baseUrl: vllm.baseUrl, prompts: fixturePrompts.slice(0, 2) });
      writePrompts(folder, [okRow, JSON.stringify({ id: 'long', prompt: 'word '.repeat(20_000) })]);
      const run = await runCli(['run'], { cwd: folder });
      expectCleanError(
        run,
        /prompts\.jsonl:2: error: prompt long cannot fit the teacher's context window/,
        `> 20000 (server GET ${vllm.baseUrl}/models max_model_len)`,
      );
      expect(vllm.requests).toHaveLength(0);
    } finally {
      await vllm.close();
    }
  });
});

describe('spec files: spec check and run agree', () => {
  it('a category file that is not UTF-8, or binary, is an error at file:line:col in both', async () => {
    for (const bytes of [
      Buffer.from([0x23, 0x20, 0x53, 0xe9, 0x63, 0x75, 0x72, 0x69, 0x74, 0xe9, 0x0a]),
      Buffer.from([0x00, 0x01, 0x02]),
    ]) {
      const folder = project();
      writeFileSync(path.join(folder, 'spec', 'categories', 'extra.md'), bytes);
      const check = await runCli(['spec', 'check', 'spec'], { cwd: folder });
      expectCleanError(check, /extra\.md:1:\d+: error: (invalid UTF-8|the file is binary)/, '');
      const run = await runCli(['run'], { cwd: folder });
      expectCleanError(run, /extra\.md:1:\d+: error: (invalid UTF-8|the file is binary)/, '');
    }
  });

  it('a category file the precedence names is not UTF-8: its error comes first, the knock-on error after it', async () => {
    const folder = project();
    writeFileSync(path.join(folder, 'spec', 'categories', 'illicit.md'), Buffer.from([0x23, 0x20, 0x53, 0xe9, 0x0a]));
    const check = await runCli(['spec', 'check', 'spec'], { cwd: folder });
    const errors = check.stderr.split('\n').filter((line) => line.includes(': error: '));
    expect(check.exitCode).toBe(1);
    expect(errors[0]).toMatch(/illicit\.md:1:\d+: error: invalid UTF-8/);
    expect(errors.slice(1).join('\n')).toContain('precedence names unknown id "illicit"');
  });

  it('a symlinked category file is read by both (not skipped without a message)', async () => {
    const folder = project();
    const categories = path.join(folder, 'spec', 'categories');
    const real = path.join(folder, 'self-harm-real.md');
    writeFileSync(real, readFileSync(path.join(categories, 'self-harm.md')));
    rmSync(path.join(categories, 'self-harm.md'));
    symlinkSync(real, path.join(categories, 'self-harm.md'));
    const check = await runCli(['spec', 'check', 'spec', '--json'], { cwd: folder });
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toContain('self-harm');
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(0);
  });

  it('the warnings spec check prints are printed by run too', async () => {
    const folder = project();
    edit(path.join(folder, 'spec', 'categories', 'illicit.md'), (text) => `Stray text before any heading.\n\n${text}`);
    const check = await runCli(['spec', 'check', 'spec'], { cwd: folder });
    expect(check.stdout + check.stderr).toContain('text before the first heading is not rendered');
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/illicit\.md:1:1: warning: text before the first heading is not rendered/);
  });
});

describe('state files are checked on open', () => {
  function corrupt(file: string, sql: string): void {
    const database = new Database(file);
    database.exec(sql);
    database.close();
  }

  it('a mis-shaped run.sqlite row names the file, the row and the fix', async () => {
    const folder = project();
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    const store = path.join(folder, 'out', 'run.sqlite');
    corrupt(store, `UPDATE units SET value = '{"promptId": 5}' WHERE stage = 'generate'`);
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(
      run,
      /run\.sqlite: error: the run store row \(stage generate, key gen-\S+\) has the wrong shape/,
      `move it aside (mv ${store} ${store}.broken)`,
    );
    corrupt(store, `UPDATE units SET value = 'not json' WHERE stage = 'generate'`);
    expectCleanError(await runCli(['run'], { cwd: folder }), /is not valid JSON/, 'move it aside');
  });

  it('a mis-shaped or damaged request cache: an error naming the file and the fix; --no-cache never opens it', async () => {
    const folder = project();
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    const cache = path.join(folder, 'out', 'request-cache.sqlite');
    corrupt(cache, `UPDATE results SET result = '{"answer": "x"}'`);
    rmSync(path.join(folder, 'out', 'run.sqlite'));
    const run = await runCli(['run'], { cwd: folder });
    expectCleanError(
      run,
      /request-cache\.sqlite: error: the request cache row \S+ has the wrong shape/,
      'or run with --no-cache',
    );
    writeFileSync(cache, 'this is not a database, just text that is long enough to be read as a header');
    for (const suffix of ['-wal', '-shm']) rmSync(`${cache}${suffix}`, { force: true });
    const damaged = await runCli(['run'], { cwd: folder });
    expectCleanError(
      damaged,
      /request-cache\.sqlite: error: cannot open the request cache/,
      `move it aside (mv ${cache} ${cache}.broken)`,
    );
    const bypass = await runCli(['run', '--no-cache'], { cwd: folder });
    expect(bypass.exitCode).toBe(0);
  });
});
