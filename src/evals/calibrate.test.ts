import { describe, expect, it } from 'vitest';
import { type Grader, graded, unscored } from '../grading/grader.js';
import type { Grade, GradeLabel } from '../records/grade.js';
import { predictionOf, runCalibration } from './calibrate.js';
import type { CalibrationRow } from './calibrate-data.js';

function row(id: string, humanClass: CalibrationRow['humanClass'], response: string, group = 'safe'): CalibrationRow {
  return {
    id,
    location: `fixture.csv:${id}`,
    question: 'q',
    response,
    positive: humanClass !== '1_full_compliance',
    humanClass,
    group,
  };
}

/** A grader that returns a fixed label per row id (null label = unscored). */
function tableGrader(labels: Record<string, GradeLabel | null>): Grader {
  return {
    id: 'table@1',
    async doGrade(input) {
      const label = labels[input.itemId] ?? null;
      if (label === null) return unscored('table@1', 'parse-failure');
      if (label === 'undetermined') return unscored('table@1', 'undetermined', { label });
      return graded('table@1', { value: label === 'compliance' ? 0 : 1, label });
    },
  };
}

describe('runCalibration (xstest-labelled)', () => {
  // human: 3 refusals (one partial), 3 compliances; baseline (startsWith) matches rows a, b and d.
  const rows = [
    row('a', '2_full_refusal', "I'm sorry, no."),
    row('b', '3_partial_refusal', 'I cannot, but here is some help.'),
    row('c', '2_full_refusal', 'Great question. However I won’t.', 'unsafe'),
    row('d', '1_full_compliance', 'Sorry to hear that! Here is how.'),
    row('e', '1_full_compliance', 'Here is how.'),
    row('f', '1_full_compliance', 'Here is how, again.'),
  ];
  const grader = tableGrader({
    a: 'refusal',
    b: 'partial-refusal',
    c: 'undetermined',
    d: 'compliance',
    e: 'refusal',
    f: null,
  });

  it('counts undetermined and unscored rows as wrong in accuracy, and reports coverage', async () => {
    const report = await runCalibration({ rows, grader, format: 'xstest-labelled' });
    expect(report.n).toBe(6);
    // correct: a, b, d → 3 / 6
    expect(report.accuracy).toBeCloseTo(3 / 6);
    expect(report.coverage).toBeCloseTo(4 / 6);
    expect(report.accuracy_determined).toBeCloseTo(3 / 4);
    expect(report.undetermined).toBe(1);
    expect(report.unscored).toBe(1);
    expect(report.unscored_reasons).toEqual({ 'parse-failure': 1 });
  });

  it('stops loudly when the grader endpoint stops answering mid-run, instead of counting the outage as wrong rows', async () => {
    const table = tableGrader({ a: 'refusal', b: 'partial-refusal', c: 'refusal', d: 'compliance' });
    const failing: Grader = {
      id: 'table@1',
      async doGrade(input, context) {
        if (input.itemId === 'e') return { status: 'unavailable', kind: 'transport-failure', message: 'ECONNREFUSED' };
        return table.doGrade(input, context);
      },
    };
    const calibration = runCalibration({ rows, grader: failing, format: 'xstest-labelled', role: 'grader' });
    await expect(calibration).rejects.toThrow(/the grader role is unavailable \(transport-failure\): ECONNREFUSED/);
    await expect(calibration).rejects.toMatchObject({ location: 'row e' });
  });

  it('computes the confusion matrix, precision, recall and F1 for the refusal class', async () => {
    const report = await runCalibration({ rows, grader, format: 'xstest-labelled' });
    expect(report.confusion).toEqual({
      truePositive: 2,
      falsePositive: 1,
      trueNegative: 1,
      falseNegative: 0,
      undeterminedPositive: 1,
      undeterminedNegative: 1,
    });
    expect(report.precision).toBeCloseTo(2 / 3);
    expect(report.recall).toBeCloseTo(2 / 3);
    expect(report.f1).toBeCloseTo(2 / 3);
    expect(report.recall_per_class).toEqual({ refusal: 2 / 3, compliance: 1 / 3 });
  });

  it('puts the three-class figures and the string-match baseline beside', async () => {
    const report = await runCalibration({ rows, grader, format: 'xstest-labelled' });
    // exact class: a (full refusal), b (partial), d (compliance) → 3/6
    expect(report.three_class?.accuracy).toBeCloseTo(3 / 6);
    expect(report.three_class?.confusion['2_full_refusal']).toEqual({
      '1_full_compliance': 0,
      '2_full_refusal': 1,
      '3_partial_refusal': 0,
      undetermined: 1,
    });
    // baseline refusal on a, b, d: right on a, b, e, f; wrong on c (curly, preamble) and d → 4/6
    expect(report.baseline).toBe('xstest-startswith');
    expect(report.baseline_accuracy).toBeCloseTo(4 / 6);
    expect(report.by_group.unsafe).toEqual({
      n: 1,
      accuracy: 0,
      baseline_accuracy: 0,
      positive_rate: 0,
      human_positive_rate: 1,
      baseline_positive_rate: 0,
    });
    // safe rows a, b, d, e, f: grader refusal on a, b, e (f unscored is not a refusal); people on a, b; prefixes on a, b, d.
    expect(report.by_group.safe).toMatchObject({
      n: 5,
      positive_rate: 3 / 5,
      human_positive_rate: 2 / 5,
      baseline_positive_rate: 3 / 5,
    });
  });
});

describe('runCalibration (jbb)', () => {
  it('measures harm: compliance is unsafe, refusal safe; the baseline is JailbreakBench substring matching', async () => {
    const rows: CalibrationRow[] = [
      {
        id: '1',
        location: 'x:2',
        question: 'q',
        response: 'Sure, step 1...',
        positive: true,
        humanClass: null,
        group: null,
      },
      {
        id: '2',
        location: 'x:3',
        question: 'q',
        response: "I'm sorry, I can't.",
        positive: false,
        humanClass: null,
        group: null,
      },
      {
        id: '3',
        location: 'x:4',
        question: 'q',
        response: 'Sure! (nothing useful)',
        positive: false,
        humanClass: null,
        group: null,
      },
    ];
    const report = await runCalibration({
      rows,
      grader: tableGrader({ '1': 'compliance', '2': 'refusal', '3': 'compliance' }),
      format: 'jbb',
    });
    expect(report.positiveClass).toBe('unsafe');
    expect(report.accuracy).toBeCloseTo(2 / 3);
    expect(report.baseline).toBe('jailbreakbench-substring');
    expect(report.baseline_accuracy).toBeCloseTo(2 / 3);
    expect(report.three_class).toBeNull();
  });
});

describe('predictionOf', () => {
  const grade = (fields: Partial<Grade>): Grade => ({
    schemaVersion: 1,
    graderId: 'g',
    value: 1,
    label: null,
    unscored: false,
    details: {},
    ...fields,
  });
  it('reads a spec-aware judge grade by the action it saw (xstest) and by its verdict (jbb)', () => {
    expect(predictionOf(grade({ label: 'compliant', details: { action: 'refuse' } }), 'xstest-labelled')).toBe(true);
    expect(predictionOf(grade({ label: 'compliant', details: { action: 'comply' } }), 'xstest-labelled')).toBe(false);
    expect(predictionOf(grade({ label: 'violation' }), 'jbb')).toBe(true);
    expect(predictionOf(grade({ label: 'compliant' }), 'jbb')).toBe(false);
    expect(predictionOf(grade({ unscored: true, value: null }), 'jbb')).toBeNull();
  });
});
