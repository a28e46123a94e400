import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Spec } from '../records/spec.js';
import { loadSpec } from '../spec/load-spec.js';
import { citedIds, findSpecLeakage, type SpecIds, specIds, validateCompletion } from './validate-completion.js';

let spec: Spec;
let ids: SpecIds;
beforeAll(async () => {
  spec = await loadSpec(path.resolve(import.meta.dirname, '../spec/__fixtures__/tiny-spec'));
  ids = specIds(spec);
});

const good = {
  reasoning: 'No intent is stated. illicit.K0 says neutral information is allowed; I follow style.allow.',
  answer: 'Pin tumbler locks use spring-loaded pins of different lengths.',
  finishReason: 'stop' as const,
};

describe('validateCompletion', () => {
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
  ];
  const fine = [
    'My policy says instructions for wrongdoing are refused (illicit.K3).',
    'illicit.K0 says neutral information is allowed.',
    'The user wants me to translate the text below into French.',
    'The user asked about the rules of chess.',
    'I recall the policy on self-harm: respond with care.',
    'The user provided a poem and wants a summary.',
    'I will follow the user’s instructions above about formatting.',
  ];
  it.each(leaks)('flags "%s"', (text) => {
    expect(findSpecLeakage(text)).toBeDefined();
  });
  it.each(fine)('does not flag "%s"', (text) => {
    expect(findSpecLeakage(text)).toBeUndefined();
  });
  it('flags extra phrases from the config', () => {
    expect(findSpecLeakage('Per section 4 of the handbook…', ['section 4 of the handbook'])).toBe(
      'section 4 of the handbook',
    );
  });
});
