/**
 * `deliberate quickstart`: the starter project run against an endpoint from the environment (a fake server), and
 * the offline message that names the three ways to provide a model.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChatRequestBody, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { gradedPart, judgeReply } from './pipeline-fixture.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function temporaryFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-quickstart-'));
  folders.push(folder);
  return folder;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One model for teacher and judge: judge requests ask for structured output. */
function oneModelHandler(body: ChatRequestBody) {
  if (body.response_format !== undefined) return judgeReply(body);
  // An answer of its own for each conversation: one answer for every prompt would trip the quality gates.
  const conversation = createHash('sha256').update(gradedPart(body)).digest('hex').slice(0, 8);
  return {
    reasoning_content:
      'Nothing here calls for refusing: the request states no intent to harm anyone, and the information is commonly available, so I answer plainly and helpfully.',
    content: `Here is a plain, helpful answer (${conversation}).`,
  };
}

describe('deliberate quickstart', () => {
  it('writes the starter project and runs the pipeline on the endpoint named by DELIBERATE_BASE_URL', async () => {
    const server = await startFakeOpenAIServer(oneModelHandler);
    try {
      const folder = temporaryFolder();
      const cli = await runCli(['quickstart', 'project', '--json'], {
        cwd: folder,
        env: { DELIBERATE_BASE_URL: server.baseUrl },
      });
      expect(cli.stderr).not.toContain('error');
      expect(cli.exitCode).toBe(0);
      const summary = JSON.parse(cli.stdout);
      expect(summary.counts.prompts).toBeGreaterThan(20);
      expect(summary.counts.generations).toBe(summary.counts.prompts * 4);
      expect(summary.counts.accepted).toBeGreaterThan(0);
      const config = readFileSync(path.join(folder, 'project', 'deliberate.yaml'), 'utf8');
      expect(config).toContain(server.baseUrl);
      expect(config).toContain('model: fake-model');
      // Teacher and judge are written out in full, not as a YAML anchor and alias a user would have to untangle.
      expect(config).not.toMatch(/[&*]a1\b/);
      expect(config.match(/model: fake-model/g)).toHaveLength(2);
      expect(readFileSync(summary.outputs.sft, 'utf8').split('\n').filter(Boolean)).toHaveLength(
        summary.counts.accepted,
      );
      expect(cli.stderr).toContain(`DELIBERATE_BASE_URL ${server.baseUrl}, model fake-model`);
      // Every request went to the model the server listed.
      expect(new Set(server.requests.map((request) => request.body.model))).toEqual(new Set(['fake-model']));
    } finally {
      await server.close();
    }
  }, 90_000);

  it('offline with no model anywhere, says so and lists the three ways to provide one', async () => {
    const folder = temporaryFolder();
    const port = await closedPort();
    const cli = await runCli(['quickstart', 'project'], {
      cwd: folder,
      env: {
        OLLAMA_HOST: `http://127.0.0.1:${port}`,
        HF_ENDPOINT: `http://127.0.0.1:${port}`,
        DELIBERATE_MODELS_DIR: path.join(folder, 'models'),
      },
    });
    expect(cli.exitCode).toBe(1);
    const message = cli.stderr;
    expect(message).toContain('quickstart found no model');
    expect(message).toContain('DELIBERATE_BASE_URL');
    expect(message).toContain('Ollama');
    expect(message).toContain('Qwen/Qwen3-0.6B-GGUF');
    expect(message).toContain('cannot reach the hub');
  });
});
