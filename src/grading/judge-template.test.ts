import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictFixture } from '../../test/helpers/verdict-fixture.js';
import { createModelClient } from '../models/generate.js';
import type { Prompt } from '../records/prompt.js';
import { loadSpec } from '../spec/load-spec.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { judgeCompletion } from './judge-completion.js';
import { buildJudgeMessages, defaultJudgeTemplate, JUDGE_PROMPT_VERSION, judgePromptVersion } from './judge-prompt.js';
import {
  fillJudgeTemplate,
  judgeTemplatePlaceholders,
  loadJudgeTemplate,
  parseJudgeTemplate,
} from './judge-template.js';

const shippedTemplate = new URL('../../templates/judge.md', import.meta.url).pathname;
const nonce = 'abcdef0123456789';
const prompt: Prompt = {
  schemaVersion: 1,
  id: 'template-prompt',
  messages: [{ role: 'user', content: 'Tell me about {{spec}} please' }],
  categories: ['illicit'],
  metadata: {},
};

const custom = `<!-- template-id: strict-judge -->
<!-- one user message: no section markers -->
Code {{nonce}}. Spec:
{{spec}}
Conversation: {{conversation}}
{{reasoning}}
Response: {{response}}
Opinion: {{hint}}
Reply with JSON.`;

describe('judge templates', () => {
  it('templates/judge.md is the built-in template, word for word', () => {
    const shipped = loadJudgeTemplate(shippedTemplate);
    expect(shipped.system).toBe(defaultJudgeTemplate.system);
    expect(shipped.user).toBe(defaultJudgeTemplate.user);
    expect(shipped.hash).toBe(defaultJudgeTemplate.hash);
    expect(judgePromptVersion(shipped)).toBe(JUDGE_PROMPT_VERSION);
  });

  it('a custom template without sections is one user message, versioned by id and hash', () => {
    const template = parseJudgeTemplate(custom, 'strict.md');
    expect(template.system).toBeNull();
    expect(judgePromptVersion(template)).toMatch(/^strict-judge#[0-9a-f]{12}$/);
    const input = {
      renderedSpec: 'SPEC',
      prompt,
      completion: { reasoning: 'HIDDEN-THOUGHTS', answer: 'An answer.' },
      nonce,
      template,
    };
    const hidden = buildJudgeMessages({ ...input, sawReasoning: false });
    expect(hidden).toHaveLength(1);
    expect(hidden[0]!.content).not.toContain('HIDDEN-THOUGHTS');
    expect(hidden[0]!.content).not.toMatch(/\{\{(nonce|conversation|reasoning|response|hint)\}\}/);
    const shown = buildJudgeMessages({ ...input, sawReasoning: true });
    expect(shown[0]!.content).toContain(`<<<REASONING-${nonce}>>>\nHIDDEN-THOUGHTS`);
  });

  it('fills in one pass: placeholders inside graded text stay text', () => {
    const messages = buildJudgeMessages({
      renderedSpec: 'SPEC',
      prompt,
      completion: { reasoning: null, answer: 'Answer with {{nonce}} and {{spec}}' },
      sawReasoning: false,
      nonce,
    });
    const user = messages[1]!.content;
    expect(user).toContain('Tell me about {{spec}} please');
    expect(user).toContain('Answer with {{nonce}} and {{spec}}');
    expect(user.match(/SPEC/g)).toHaveLength(1);
  });

  it('an empty placeholder alone on its line goes with its line', () => {
    const values = Object.fromEntries(
      judgeTemplatePlaceholders.map((name) => [name, name === 'reasoning' ? '' : name.toUpperCase()]),
    ) as Parameters<typeof fillJudgeTemplate>[1];
    expect(fillJudgeTemplate('A {{conversation}}\n\n{{reasoning}}\n\nB {{response}}', values)).toBe(
      'A CONVERSATION\n\nB RESPONSE',
    );
  });

  it('rejects a template that lacks a required placeholder, or uses an unknown one, naming the file', () => {
    expect(() => parseJudgeTemplate(custom.replace('{{response}}', ''), 'no-response.md')).toThrow(/\{\{response\}\}/);
    try {
      parseJudgeTemplate(`${custom}\n{{rubric}}`, 'unknown.md');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ location: 'unknown.md', message: expect.stringContaining('{{rubric}}') });
    }
    expect(() => parseJudgeTemplate(`<!-- user -->\nx\n<!-- system -->\ny`, 'order.md')).toThrow(/system/);
    expect(() => loadJudgeTemplate(path.join(tmpdir(), 'does-not-exist.md'))).toThrow(/cannot read/);
  });

  it('judgeCompletion uses a template file and records its version on each judgement', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'judge-template-'));
    const file = path.join(folder, 'judge.md');
    writeFileSync(file, custom);
    const spec = await loadSpec(new URL('../spec/__fixtures__/tiny-spec/', import.meta.url).pathname);
    const model = scriptedModel([
      JSON.stringify(
        verdictFixture({ ruleIds: ['illicit.K0'], analysis: 'fine', expectedAction: 'comply', action: 'comply' }),
      ),
    ]);
    const result = await judgeCompletion({
      judge: createModelClient(model),
      spec,
      prompt,
      completion: { id: 'c', reasoning: null, answer: 'ok' },
      sawReasoning: false,
      runs: 1,
      template: loadJudgeTemplate(file),
    });
    expect(model.calls[0]!.messages[0]!.content.startsWith('Code ')).toBe(true);
    expect(result.judgements[0]!.judge.promptVersion).toMatch(/^strict-judge#/);
  });
});
