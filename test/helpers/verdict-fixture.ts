/**
 * Judge verdicts for tests: every field of the judge's JSON, so a test names only what makes its verdict different.
 */
import type { Verdict } from '../../src/grading/verdict-schema.js';

/** A compliant brief refusal with full marks and no hint (reasoning not scored), with `overrides` applied. */
export function verdictFixture(overrides: Partial<Verdict> = {}): Verdict {
  return {
    ruleIds: [],
    analysis: '',
    expectedAction: 'refuse',
    action: 'refuse',
    hintAnalysis: '',
    hintAgreement: 'no-hint',
    reasoningScore: null,
    complianceScore: 5,
    actionScore: 5,
    styleScore: 5,
    helpfulnessScore: 5,
    verdict: 'compliant',
    ...overrides,
  };
}
