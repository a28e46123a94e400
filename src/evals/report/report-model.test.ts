import { describe, expect, it } from 'vitest';
import { buildFixtureEvalLog } from '../../../test/helpers/eval-log-fixture.js';
import { EvalLog } from '../../records/eval-log.js';
import { buildReportModel, noDataReason } from './report-model.js';

const fixture = () => EvalLog.parse(buildFixtureEvalLog());

/** The fixture with every grade unscored (a grader that could not read its model's answers). */
function allUnscored(): EvalLog {
  const log = fixture();
  for (const benchmark of log.benchmarks) {
    for (const result of benchmark.results) {
      for (const grade of Object.values(result.grades)) {
        Object.assign(grade, { unscored: true, value: null, label: null, unscoredReason: 'parse-failure' });
      }
    }
    for (const metrics of Object.values(benchmark.metrics)) {
      for (const metric of metrics) {
        Object.assign(metric, { value: null, ci: null, n: 0, categoryMinimum: null });
        metric.perCategory = metric.perCategory.map((entry) => ({ ...entry, value: null, ci: null, n: 0 }));
      }
    }
  }
  return log;
}

describe('report arms', () => {
  it('a labelled arm is its label; arms that share a label or a name are told apart', () => {
    const one = fixture();
    one.arms[0]!.label = 'qwen3-8b';
    const two = fixture();
    two.arms[0]!.label = 'qwen3-8b-sft';
    const model = buildReportModel([
      { source: 'one', log: one },
      { source: 'two', log: two },
    ]);
    expect(model.arms.map((arm) => arm.key)).toEqual([
      'qwen3-8b',
      'trained (run 1)',
      'qwen3-8b-sft',
      'trained (run 2)',
    ]);
    // results and metric cells follow the label
    expect(model.items.filter((item) => item.arm === 'qwen3-8b')).toHaveLength(2);
    expect(Object.keys(model.rows[0]!.cells)).toContain('qwen3-8b-sft');
  });

  it('one label on two arms of one run: the arm name settles it', () => {
    const log = fixture();
    log.arms[0]!.label = 'same';
    log.arms[1]!.label = 'same';
    expect(buildReportModel([{ source: 'one', log }]).arms.map((arm) => arm.key)).toEqual([
      'same (base)',
      'same (trained)',
    ]);
  });
});

describe('noDataReason', () => {
  it('every grade unscored: says so with the reasons and the grader', () => {
    const model = buildReportModel([{ source: 'one', log: allUnscored() }]);
    expect(noDataReason(model.benchmarks, 'xstest')).toBe(
      'every grade of xstest is unscored (2 parse-failure; grader refusal-offline@1): the grader could not grade',
    );
  });

  it('no cases, no results, every call failed, not run; null when something was scored', () => {
    const log = fixture();
    const [xstest, strongreject] = log.benchmarks;
    xstest!.items = [];
    xstest!.results = [];
    strongreject!.results = strongreject!.results.map((result) => ({
      ...result,
      outcome: { kind: 'transport-failure' as const, message: 'HTTP 503' },
    }));
    const model = buildReportModel([{ source: 'one', log }]);
    expect(noDataReason(model.benchmarks, 'xstest')).toBe('xstest has 0 cases (the data or --limit left none)');
    expect(noDataReason(model.benchmarks, 'strongreject')).toBe('every target call on strongreject failed');
    expect(noDataReason(model.benchmarks, 'gsm8k')).toBe('gsm8k was not run');
    expect(noDataReason(buildReportModel([{ source: 'one', log: fixture() }]).benchmarks, 'xstest')).toBeNull();
  });

  it('marks the benchmarks that ran jailbreak transforms', () => {
    const model = buildReportModel([{ source: 'one', log: fixture() }]);
    expect(model.benchmarks.map((benchmark) => [benchmark.name, benchmark.jailbreak])).toEqual([
      ['xstest', false],
      ['strongreject', true],
    ]);
  });
});
