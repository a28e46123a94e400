/**
 * The judge's preflight is made once the teacher's passed, when generate has work, so the judge stage does not wait for it
 * after the last teacher answer; a judge that was down at that moment is checked again when the judge stage starts.
 * The server lists no models, so each preflight is a one-word chat request that the server records in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, type RecordedRequest, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { pipelineHandler, writeProject } from './pipeline-fixture.js';

const isProbe = (request: RecordedRequest) =>
  request.body.messages.some((message) => message.content === 'Reply with the single word: ready');

describe('preflights of teacher and judge', () => {
  let server: FakeOpenAIServer | undefined;
  let folder: string | undefined;

  afterAll(async () => {
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('checks the judge before the teacher has generated, and judges as before', async () => {
    server = await startFakeOpenAIServer((body) => (isProbeBody(body) ? { content: 'ready' } : pipelineHandler(body)), {
      listModels: false,
    });
    folder = mkdtempSync(path.join(tmpdir(), 'deliberate-preflight-'));
    writeProject(folder, { baseUrl: server.baseUrl });
    const run = await runCli(['run', '--config', 'deliberate.yaml', '--json'], { cwd: folder });
    expect(run.exitCode, run.stderr).toBe(0);
    const requests = server.requests;
    const judgeProbe = requests.findIndex((request) => request.body.model === 'fake-judge' && isProbe(request));
    const teacherWork = requests.flatMap((request, index) =>
      request.body.model === 'fake-teacher' && !isProbe(request) ? [index] : [],
    );
    expect(
      requests
        .filter(isProbe)
        .map((request) => request.body.model)
        .sort(),
    ).toEqual(['fake-judge', 'fake-teacher']);
    expect(judgeProbe).toBeGreaterThanOrEqual(0);
    expect(judgeProbe).toBeLessThan(teacherWork.at(-1)!);
    expect(JSON.parse(run.stdout).counts.accepted).toBeGreaterThan(0);
  });
});

function isProbeBody(body: RecordedRequest['body']): boolean {
  return isProbe({ body } as RecordedRequest);
}
