import { describe, expect, it } from 'vitest';
import { buildFixtureEvalLog } from '../../../test/helpers/eval-log-fixture.js';
import { EvalLog, type EvalResult } from '../../records/eval-log.js';
import type { RuleVerdict } from '../../records/rule-verdict.js';
import { renderReport } from './render-report.js';
import { ruleBreakdown, violationRate } from './rule-breakdown-view.js';

type Verdicts = Array<[string, RuleVerdict['verdict']]>;

/** The fixture log with its xstest results replaced by rule-judged ones: per arm, one list of verdicts per result. */
function logWithVerdicts(byArm: Record<string, Array<Verdicts | 'unscored'>>): EvalLog {
  const log = EvalLog.parse(buildFixtureEvalLog());
  const xstest = log.benchmarks[0]!;
  xstest.name = 'specbench';
  const template = xstest.results[0]!;
  xstest.results = Object.entries(byArm).flatMap(([arm, results]) =>
    results.map(
      (verdicts, index): EvalResult => ({
        ...template,
        arm,
        itemId: `item-${index}`,
        grades: {
          judge: {
            schemaVersion: 1,
            graderId: 'spec-rule-judge@1',
            value: verdicts === 'unscored' ? null : 0.5,
            label: null,
            unscored: verdicts === 'unscored',
            ...(verdicts === 'unscored' ? { unscoredReason: 'missing-rule-verdict' as const } : {}),
            details: {},
            ruleVerdicts:
              verdicts === 'unscored'
                ? // an unscored grade's verdicts (if any were kept) are never counted
                  [{ ruleId: 'travel.S1', kind: 'safety', verdict: 'violated', reason: 'x' }]
                : verdicts.map(([ruleId, verdict]) => ({
                    ruleId,
                    kind: ruleId.includes('.B') ? 'behavioural' : 'safety',
                    verdict,
                    reason: `${ruleId} ${verdict}`,
                  })),
          },
        },
      }),
    ),
  );
  return log;
}

const keyOf = (_logIndex: number, arm: string) => arm;

describe('rules broken most', () => {
  const log = logWithVerdicts({
    base: [
      [
        ['travel.S1', 'violated'],
        ['travel.B1', 'compliant'],
      ],
      [
        ['travel.S1', 'not-applicable'],
        ['travel.B1', 'violated'],
      ],
      [
        ['travel.S1', 'compliant'],
        ['travel.B1', 'violated'],
      ],
      'unscored',
    ],
    trained: [
      [
        ['travel.S1', 'compliant'],
        ['travel.B1', 'not-applicable'],
      ],
    ],
  });

  it('counts verdicts per rule and arm over scored grades, not-applicable outside the share', () => {
    const rows = ruleBreakdown([{ log }], keyOf);
    expect(rows.map((row) => [row.ruleId, row.kind])).toEqual([
      ['travel.B1', 'behavioural'],
      ['travel.S1', 'safety'],
    ]);
    const [behavioural, safety] = rows;
    expect(safety!.cells.base).toEqual({ judged: 3, notApplicable: 1, violated: 1 });
    expect(violationRate(safety!.cells.base)).toBe(0.5);
    expect(violationRate(behavioural!.cells.base)).toBeCloseTo(2 / 3);
    expect(violationRate(behavioural!.cells.trained)).toBeNull();
    expect(violationRate(safety!.cells.trained)).toBe(0);
  });

  it('the report lists the rules in order of the worst arm, with violated of applicable', () => {
    const html = renderReport([{ source: 'eval-log.json', log }], { generatedAt: '2026-12-03T00:00:00Z' });
    const section = html.slice(html.indexOf('<section id="rules">'), html.indexOf('<section id="categories">'));
    expect(section.indexOf('travel.B1')).toBeLessThan(section.indexOf('travel.S1'));
    expect(section).toContain('<td class="num worse">0.667<div class="meta">2 of 3 broke it</div></td>');
    expect(section).toContain('<td class="num">0.000<div class="meta">0 of 1 broke it</div></td>');
    expect(section).toContain('n/a<div class="meta">0 of 1 applied</div>');
  });

  it('says so when nothing was graded rule by rule', () => {
    const html = renderReport([{ source: 'eval-log.json', log: EvalLog.parse(buildFixtureEvalLog()) }], {
      generatedAt: '2026-12-03T00:00:00Z',
    });
    const section = html.slice(html.indexOf('<section id="rules">'), html.indexOf('<section id="categories">'));
    expect(section).toContain('No result was graded rule by rule');
    expect(section).not.toContain('<table');
  });
});
