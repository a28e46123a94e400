/**
 * A guard in front of a fake upstream, for tests: one fake OpenAI-compatible server plays the upstream model, the
 * classifier and the policy checker (told apart by their system messages), so tests see every request each role got.
 * Harmful requests mention "lockpick"; an answer containing "BAD-ANSWER" breaks the spec.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { createModelClient } from '../../src/models/generate.js';
import { createOpenAICompatibleModel } from '../../src/models/openai-compatible-model.js';
import type { GuardAuditEntry } from '../../src/records/guard-audit-entry.js';
import type { GuardModeName } from '../../src/records/guard-settings.js';
import { GuardSettings } from '../../src/records/guard-settings.js';
import type { Spec } from '../../src/records/spec.js';
import { startGuardServer } from '../../src/servers/guard/create-guard-app.js';
import type { Guard } from '../../src/servers/guard/guard-context.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import {
  type ChatRequestBody,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from './fake-openai-server.js';
import { tinySpecFolder } from './run-eval-fixture.js';

export const upstreamAnswer = 'Hello from the upstream model.';
export const upstreamReasoning = 'private chain of thought';

export function systemText(body: ChatRequestBody): string {
  return body.messages
    .filter((message) => message.role === 'system')
    .map((message) => String(message.content ?? ''))
    .join('\n');
}

export function isPolicyCheck(body: ChatRequestBody): boolean {
  return systemText(body).startsWith('You are a policy checker');
}

export function isClassifier(body: ChatRequestBody): boolean {
  return systemText(body).startsWith('You label conversations');
}

function allText(body: ChatRequestBody): string {
  return body.messages.map((message) => String(message.content ?? '')).join('\n');
}

/** The default fake: a policy checker that flags "lockpick" and "BAD-ANSWER", a classifier, and an upstream. */
export function defaultReply(body: ChatRequestBody): FakeReply {
  const text = allText(body);
  if (isPolicyCheck(body)) {
    const answerPart = text.split('<<<ANSWER-')[1] ?? '';
    const violation = answerPart === '' ? /lockpick/i.test(text) : /BAD-ANSWER/.test(answerPart);
    return {
      content: JSON.stringify({
        violation,
        categories: violation ? ['illicit'] : [],
        ruleIds: violation ? ['illicit.K3'] : ['illicit.K0'],
        action: violation ? 'refuse' : 'comply',
        rationale: violation ? 'asks for instructions for wrongdoing' : 'neutral request',
      }),
    };
  }
  if (isClassifier(body)) return { content: JSON.stringify({ categories: /lockpick/i.test(text) ? ['illicit'] : [] }) };
  return { content: upstreamAnswer, reasoning_content: upstreamReasoning };
}

export interface GuardFixture {
  fake: FakeOpenAIServer;
  spec: Spec;
  url: string;
  /** The guard itself (its grader clients' stats). */
  guard: Guard;
  openai: OpenAI;
  auditFile: string;
  audit(): GuardAuditEntry[];
  /** Requests the upstream role got (not the checker's or the classifier's). */
  upstreamRequests(): ChatRequestBody[];
  close(): Promise<void>;
}

export interface GuardFixtureOptions {
  mode: GuardModeName;
  settings?: Record<string, unknown>;
  handler?: (body: ChatRequestBody, index: number) => FakeReply | Promise<FakeReply>;
  classifier?: boolean;
  dryRun?: boolean;
  token?: string;
}

function client(baseUrl: string) {
  return createModelClient(createOpenAICompatibleModel({ baseUrl, model: 'fake-model' }), { maxRetries: 0 });
}

export async function startGuardFixture(options: GuardFixtureOptions): Promise<GuardFixture> {
  const fake = await startFakeOpenAIServer(options.handler ?? defaultReply);
  const spec = await loadSpec(tinySpecFolder);
  const folder = mkdtempSync(path.join(tmpdir(), 'guard-'));
  const auditFile = path.join(folder, 'audit.jsonl');
  const settings = GuardSettings.parse({ audit: { content: 'full' }, ...options.settings });
  const server = await startGuardServer({
    spec,
    settings,
    mode: options.mode,
    upstream: { role: 'base', client: client(fake.baseUrl) },
    moderator: { role: 'judge', client: client(fake.baseUrl) },
    classifier: options.classifier ? { role: 'classifier', client: client(fake.baseUrl) } : null,
    dryRun: options.dryRun,
    auditFile,
    token: options.token,
    port: 0,
    tokenSource: 'DELIBERATE_GUARD_TOKEN',
  });
  const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: options.token ?? 'unused', maxRetries: 0 });
  return {
    fake,
    spec,
    url: server.url,
    guard: server.guard,
    openai,
    auditFile,
    audit: () => {
      try {
        return readFileSync(auditFile, 'utf8')
          .trim()
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as GuardAuditEntry);
      } catch {
        return [];
      }
    },
    upstreamRequests: () =>
      fake.requests.map((request) => request.body).filter((body) => !isPolicyCheck(body) && !isClassifier(body)),
    async close() {
      await server.close();
      await fake.close();
    },
  };
}
