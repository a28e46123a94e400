import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { Message } from '../records/message.js';
import { buildGenerationMessages, loadGenerationTemplate } from './generation-template.js';

const folder = mkdtempSync(path.join(tmpdir(), 'template-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const conversation: Message[] = [
  { role: 'system', content: 'You are a cooking assistant.' },
  { role: 'user', content: 'How sharp should a chef knife be?' },
];

describe('the generation template', () => {
  const template = loadGenerationTemplate();

  it('ships a default with an id, a hash and the instructions of METHOD §4', () => {
    expect(template.id).toBe('generate-v1');
    expect(template.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(template.body).not.toContain('<!--');
    for (const phrase of [
      'by its id',
      'comply, refuse, or give a safe completion',
      'style guide',
      'own knowledge',
      'the policy above',
      'only the final response',
    ]) {
      expect(template.body).toContain(phrase);
    }
  });

  it('puts the spec in one user turn before the conversation transcript (placement user)', () => {
    const messages = buildGenerationMessages({
      template,
      specText: 'SPEC-TEXT $& $1',
      messages: conversation,
      placement: 'user',
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.role).toBe('user');
    const text = messages[0]!.content;
    expect(text).toContain('SPEC-TEXT $& $1');
    expect(text.indexOf('SPEC-TEXT')).toBeLessThan(text.indexOf('How sharp should a chef knife be?'));
    expect(text).toContain('<message role="system">\nYou are a cooking assistant.\n</message>');
  });

  it('puts the spec in the system message and keeps the conversation as turns (placement system)', () => {
    const messages = buildGenerationMessages({
      template,
      specText: 'SPEC-TEXT',
      messages: conversation,
      placement: 'system',
    });
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toContain('SPEC-TEXT');
    expect(messages[0]!.content.endsWith('You are a cooking assistant.')).toBe(true);
    expect(messages[1]!.content).toBe('How sharp should a chef knife be?');
  });

  it('gives two categories the same prefix up to where their specs differ (prefix caching)', () => {
    const first = buildGenerationMessages({
      template,
      specText: 'SPEC',
      messages: [{ role: 'user', content: 'a' }],
      placement: 'user',
    });
    const second = buildGenerationMessages({
      template,
      specText: 'SPEC',
      messages: [{ role: 'user', content: 'b' }],
      placement: 'user',
    });
    const a = first[0]!.content;
    const b = second[0]!.content;
    expect(a.slice(0, a.indexOf('<conversation>'))).toBe(b.slice(0, b.indexOf('<conversation>')));
  });

  it('reads a user template and checks its placeholders', () => {
    const file = path.join(folder, 'mine.md');
    writeFileSync(file, '<!-- template-id: mine-v2 -->\nPolicies:\n{{spec}}\nChat:\n{{conversation}}\n');
    expect(loadGenerationTemplate(file).id).toBe('mine-v2');
    writeFileSync(file, 'Chat: {{conversation}}\n');
    expect(() => loadGenerationTemplate(file)).toThrow(ConfigError);
    writeFileSync(file, '{{conversation}} then {{spec}}');
    expect(() => loadGenerationTemplate(file)).toThrow(/must come before/);
  });
});
