/**
 * One word for complying: `comply`. No product template, example spec, fixture spec, doc or built-in model prompt
 * says `allow` as an action (only the sentences that name it as the deprecated word may), and the Action enum has
 * no `allow`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultJudgeTemplate } from '../src/grading/judge-prompt.js';
import { policyCheckMessages } from '../src/grading/policy-check.js';
import { Action, deprecatedActionWords, readActionWord } from '../src/records/action.js';
import { IdealAction } from '../src/records/prompt.js';
import { loadSpec } from '../src/spec/load-spec.js';

const root = path.join(import.meta.dirname, '..');

function filesUnder(directory: string, pattern: RegExp): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    if (statSync(file).isDirectory()) return filesUnder(file, pattern);
    return pattern.test(name) ? [file] : [];
  });
}

/** `file:line: text` for each line that writes allow as an action value. */
function allowActions(files: string[]): string[] {
  const asAction = /action\s*[=:]\s*["'`]?allow\b|["'`]allow["'`]|\(allow\)|→ allow\b/;
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, index) => ({ line, number: index + 1 }))
      // The sentences that name the old word as deprecated are the one place it may stand; the guard's decision
      // (allow | block | …: what the proxy does with a request) is another vocabulary, not a spec action.
      .filter(({ line }) => asAction.test(line) && !/deprecated|old word|guard-decision/.test(line))
      .map(({ line, number }) => `${path.relative(root, file)}:${number}: ${line.trim()}`),
  );
}

describe('the action vocabulary', () => {
  it('Action and IdealAction are one enum, with comply and without allow', () => {
    expect(Action.options).toEqual(['comply', 'refuse', 'safe-complete', 'escalate']);
    expect(IdealAction.options).toEqual(Action.options);
    expect(readActionWord('allow')).toEqual({ action: 'comply', deprecated: 'allow' });
    expect(readActionWord('comply')).toEqual({ action: 'comply', deprecated: null });
    expect(readActionWord('deny')).toBeNull();
    expect(Object.values(deprecatedActionWords).every((action) => Action.options.includes(action))).toBe(true);
  });

  it('no product template, example spec, fixture spec or doc writes allow as an action', () => {
    const files = [
      ...filesUnder(path.join(root, 'templates'), /\.md$/),
      ...filesUnder(path.join(root, 'examples'), /\.(md|ya?ml|jsonl|csv)$/),
      ...filesUnder(path.join(root, 'src', 'spec', '__fixtures__'), /\.md$/),
      ...filesUnder(path.join(root, 'docs'), /\.md$/),
      path.join(root, 'README.md'),
      path.join(root, 'ARCHITECTURE.md'),
    ];
    expect(files.length).toBeGreaterThan(20);
    expect(allowActions(files)).toEqual([]);
  });

  it('the built-in judge and policy-check prompts never say allow', async () => {
    const template = readFileSync(path.join(root, 'templates', 'judge.md'), 'utf8');
    expect(template).not.toMatch(/\ballow\b/);
    expect(`${defaultJudgeTemplate.system}\n${defaultJudgeTemplate.user}`).not.toMatch(/\ballow\b/);
    expect(defaultJudgeTemplate.system).toContain('comply (help fully)');
    const spec = await loadSpec(path.join(root, 'src', 'spec', '__fixtures__', 'tiny-spec'));
    const messages = policyCheckMessages(spec, { messages: [{ role: 'user', content: 'Hi' }], categoryIds: [] });
    const text = messages.map((message) => message.content).join('\n');
    expect(text).not.toMatch(/\ballow\b/);
    expect(text).toContain('"comply"|"refuse"');
  });
});
