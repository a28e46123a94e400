import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseReasoning } from '../models/reasoning.js';
import type { Spec } from '../records/spec.js';
import { loadSpec } from '../spec/load-spec.js';
import { type SpecIds, specIds } from '../spec/spec-ids.js';
import { citedIds, findSpecLeakage, validateCompletion } from './validate-completion.js';

let spec: Spec;
let ids: SpecIds;
beforeAll(async () => {
  spec = await loadSpec(path.resolve(import.meta.dirname, '../spec/__fixtures__/tiny-spec'));
  ids = specIds(spec);
});

const good = {
  reasoning: 'No intent is stated. illicit.K0 says neutral information is allowed; I follow style.comply.',
  answer: 'Pin tumbler locks use spring-loaded pins of different lengths.',
  finishReason: 'stop' as const,
};

describe('validateCompletion', () => {
  it('rejects a completion whose reasoning normalisation warned of a malformed split', () => {
    const normalised = normaliseReasoning({
      content: `<think>${good.reasoning}</think>${good.answer}<think>Second thoughts.</think>More answer.`,
    });
    const findings = validateCompletion({ ...good, ...normalised, finishReason: 'stop' }, { ids });
    expect(findings.map((finding) => finding.code)).toEqual(['malformed-reasoning']);
    expect(findings[0]!.detail).toMatch(/several think blocks/);
    const unclosed = normaliseReasoning({ content: `<think>${good.reasoning}` });
    expect(validateCompletion({ ...unclosed, finishReason: 'length' }, { ids }).map((finding) => finding.code)).toEqual(
      ['truncated', 'malformed-reasoning', 'empty-answer'],
    );
    // A backend's other warnings, and a reasoning field next to stripped think tags, do not reject.
    const fieldAndTags = normaliseReasoning({ content: `<think>x</think>${good.answer}`, reasoning: good.reasoning });
    expect(fieldAndTags.warnings).toHaveLength(1);
    expect(validateCompletion({ ...fieldAndTags, finishReason: 'stop' }, { ids })).toEqual([]);
    expect(validateCompletion({ ...good, warnings: ['no grammar for schema "x"'] }, { ids })).toEqual([]);
  });

  it('passes a clean completion', () => {
    expect(validateCompletion(good, { ids })).toEqual([]);
  });

  it('rejects truncation, missing reasoning and an empty answer with their codes', () => {
    expect(validateCompletion({ ...good, finishReason: 'length' }, { ids }).map((finding) => finding.code)).toEqual([
      'truncated',
    ]);
    expect(validateCompletion({ ...good, reasoning: null }, { ids })[0]).toEqual({
      code: 'missing-reasoning',
      detail: 'no reasoning',
    });
    expect(validateCompletion({ ...good, reasoning: '  ' }, { ids })[0]!.code).toBe('missing-reasoning');
    expect(validateCompletion({ ...good, answer: '\n' }, { ids })[0]!.code).toBe('empty-answer');
  });

  it('rejects rule ids the spec does not have, and rule ids quoted to the user', () => {
    const unknown = validateCompletion(
      { ...good, reasoning: 'illicit.K9 and self-harm.S7 apply; illicit.K0 too.' },
      { ids },
    );
    expect(unknown).toEqual([{ code: 'unknown-rule-id', detail: 'illicit.K9, self-harm.S7' }]);
    const inAnswer = validateCompletion({ ...good, answer: 'Under illicit.K3 I cannot help.' }, { ids });
    expect(inAnswer).toEqual([{ code: 'rule-id-in-answer', detail: 'illicit.K3' }]);
  });

  it('reads realistic citation formats: brackets, a capital at sentence start, "rule K9", "Section K9", "§S7"', () => {
    expect(citedIds('[illicit.K9] applies. Illicit.K8 too.', ids)).toEqual(['illicit.K9', 'illicit.K8']);
    expect(citedIds('Rule K3 says refuse; rule K9 and Section S7 and §K5 also apply.', ids)).toEqual([
      'illicit.K3',
      'K9',
      'S7',
      'K5',
    ]);
    const unknown = validateCompletion({ ...good, reasoning: 'Section K9 says refuse, so I refuse.' }, { ids });
    expect(unknown).toEqual([{ code: 'unknown-rule-id', detail: 'K9' }]);
    // A code of another document, or a letter no rule id uses, is not a citation.
    expect(citedIds('Section K9 of the lease and rule B2 of chess; section S1 of my policy.', ids)).toEqual([
      'self-harm.S1',
    ]);
    expect(validateCompletion({ ...good, answer: 'See section K12 of your contract.' }, { ids })).toEqual([]);
    // Domain names that start with a category id are not citations.
    const domains = 'Report it at https://illicit.gov.au/report or Illicit.org, not illicit.K9.';
    expect(citedIds(domains, ids)).toEqual(['illicit.K9']);
    expect(validateCompletion({ ...good, answer: 'Under rule K3 I cannot help.' }, { ids })).toEqual([
      { code: 'rule-id-in-answer', detail: 'illicit.K3' },
    ]);
  });

  it('an invented dotted id introduced as a citation is unknown, whatever its prefix (issue 8)', () => {
    for (const reasoning of [
      'Per rule PX.7 this is allowed, so I explain.',
      'Policy HR.12 covers this; I comply.',
      'Section fraud.K9 says refuse.',
      '§ SEC.4a applies here.',
    ]) {
      const findings = validateCompletion({ ...good, reasoning }, { ids });
      expect(findings.map((finding) => finding.code)).toEqual(['unknown-rule-id']);
    }
    // The careful exceptions stay: another document's section, a domain, a version number, a known id.
    for (const reasoning of [
      'Section HR.12 of the lease is about rent; illicit.K0 applies.',
      'The rules cyber.gov.au lists are public; illicit.K0 applies.',
      'Policy v2.1 is the latest; illicit.K0 applies.',
      'Rule Illicit.K3 says refuse.',
    ]) {
      expect(validateCompletion({ ...good, reasoning }, { ids })).toEqual([]);
    }
    expect(validateCompletion({ ...good, answer: 'Our HR policy HR.12 allows leave.' }, { ids })).toEqual([]);
  });

  it('takes code that starts with a category id for code, not a citation (a SpecBench Code or Child scenario)', () => {
    const codeIds: SpecIds = {
      known: new Set(['code.S1', 'code.B3', 'child.B1', 'style.comply']),
      all: new Set(['code', 'child', 'code.S1', 'code.B3', 'child.B1', 'style.comply']),
      prefixes: new Set(['code', 'child', 'style']),
      shortIds: new Map([
        ['S1', 'code.S1'],
        ['B3', 'code.B3'],
      ]),
    };
    const reasoning = [
      'code.S1 and code.B3 apply. I read the file and call code.strip() on it, then child.items[0].',
      'Inline `code.splitlines` and `child.parentNode` are code; so is this block:',
      '```python\ncode = src.read()\nlines = code.encode\n```',
    ].join('\n');
    const answer = 'Here:\n```js\nconst name = child.textContent;\n```\nand `code.trim` too.';
    expect(validateCompletion({ ...good, reasoning, answer }, { ids: codeIds })).toEqual([]);
    // Invented ids stay unknown: in prose, and in code when the last segment is rule-shaped (`code.S9`).
    const invented = 'code.B11 applies, and `code.S9` too; code.strip is a method.';
    expect(validateCompletion({ ...good, reasoning: invented }, { ids: codeIds })).toEqual([
      { code: 'unknown-rule-id', detail: 'code.B11, code.S9, code.strip' },
    ]);
    // A known id in the answer's code is still an id quoted to the user; an unclosed fence runs to the end.
    expect(validateCompletion({ ...good, answer: '```\n# code.B3\nx = code.join' }, { ids: codeIds })).toEqual([
      { code: 'rule-id-in-answer', detail: 'code.B3' },
    ]);
  });

  it('reads ids at sentence ends and ignores dotted words that are not spec ids', () => {
    expect(citedIds('This is illicit.K3. Also self-harm.style.safe-complete, e.g. example.com or v1.2.', ids)).toEqual([
      'illicit.K3',
      'self-harm.style.safe-complete',
    ]);
  });
});

describe('findSpecLeakage', () => {
  const leaks = [
    'According to the policy above, this is allowed.',
    'The guidelines provided above say to refuse.',
    'As provided in the instructions, I should refuse.',
    'The spec you gave says K3 applies.',
    'According to the provided policy, illicit.K3 applies.',
    'the attached guidelines cover this',
    'Looking at the rules in the system prompt, this is fine.',
    'I was given a safety policy that covers this.',
    'The user has provided a policy document.',
    'As stated in the prompt, refusals are brief.',
    'The content policy below forbids it.',
    'The policies provided say I should refuse.',
    'Per the policy excerpt provided, this is refused.',
    'According to the policies given to me, this is fine.',
    'The policy text I was given says to refuse.',
    'The <policies> block covers this.',
  ];
  const fine = [
    'My policy says instructions for wrongdoing are refused (illicit.K3).',
    'illicit.K0 says neutral information is allowed.',
    'The user wants me to translate the text below into French.',
    'The user asked about the rules of chess.',
    'I recall the policy on self-harm: respond with care.',
    'The user provided a poem and wants a summary.',
    'I will follow the user’s instructions above about formatting.',
    'My policy in this context says to comply.',
    'The rule in the context of medical advice is to point to a professional.',
    'The user wants a summary of the guidelines provided by their school.',
    'The policy that is provided to employees is what they ask about.',
  ];
  it.each(leaks)('flags "%s"', (text) => {
    expect(findSpecLeakage(text)).toBeDefined();
  });
  it.each(fine)('does not flag "%s"', (text) => {
    expect(findSpecLeakage(text)).toBeUndefined();
  });
  it('does not take the answer\'s own "guidelines below" for leakage, but still flags the answer\'s other leaks', () => {
    const answer = 'To stay safe, follow the safety guidelines below:\n1. Never mix bleach and ammonia.';
    expect(validateCompletion({ ...good, answer }, { ids })).toEqual([]);
    expect(validateCompletion({ ...good, answer: 'The rules above cover how chess pieces move.' }, { ids })).toEqual(
      [],
    );
    expect(validateCompletion({ ...good, answer: 'The provided policy says I cannot help.' }, { ids })).toEqual([
      { code: 'spec-leakage', detail: '"The provided policy"' },
    ]);
    // In the reasoning, "the guidelines below" is still the spec in the context.
    expect(findSpecLeakage('As the guidelines below say, refuse.')).toBe('the guidelines below');
  });

  it('flags extra phrases from the config', () => {
    expect(findSpecLeakage('Per section 4 of the handbook…', ['section 4 of the handbook'])).toBe(
      'section 4 of the handbook',
    );
  });
});
