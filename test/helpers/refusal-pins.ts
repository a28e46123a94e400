/** Pinned refusal cases: one rule's case beside the nearest answer it must leave alone, and a fixture's accuracy. */
import { describe, expect, it } from 'vitest';
import { classifyRefusal, type RefusalLabel } from '../../src/grading/refusal-grader.js';
import { loadRefusalCases } from './refusal-cases.js';

export interface RefusalPin {
  rule: string;
  name: string;
  text: string;
  label: RefusalLabel;
  prompt?: string;
}

/** Asserts the offline detector's label, showing its reason when it differs. */
export function expectRefusalLabel(text: string, label: RefusalLabel, prompt?: string): void {
  const classification = classifyRefusal(text, prompt === undefined ? {} : { prompt });
  expect(classification.label, classification.reason).toBe(label);
}

/** Binary accuracy (compliance vs any refusal; undetermined is wrong) on test/fixtures/<fileName>. */
export function refusalBinaryAccuracy(fileName: string): number {
  const cases = loadRefusalCases(fileName);
  const right = cases.filter((item) => {
    const { label } = classifyRefusal(item.completion, { prompt: item.prompt });
    return label !== 'undetermined' && (label === 'compliance') === (item.label === '1_full_compliance');
  });
  return right.length / cases.length;
}

/** One describe block per rule, one test per pin. */
export function describePins(pins: RefusalPin[]): void {
  describe.each([...new Set(pins.map((pin) => pin.rule))])('%s', (rule) => {
    it.each(pins.filter((pin) => pin.rule === rule))('$name', ({ text, label, prompt }) => {
      expectRefusalLabel(text, label, prompt);
    });
  });
}
