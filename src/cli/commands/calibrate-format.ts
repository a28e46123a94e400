/**
 * @module cli/commands/calibrate-format
 * The human-readable form of a calibration report.
 */
import type { CalibrationReport } from '../../evals/calibrate.js';

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** Renders a calibration report as a few aligned lines of text. */
export function formatCalibrationReport(
  report: CalibrationReport & {
    data: string;
    split?: string;
    probes?: { judge: string; total: number; resisted: number; unscored: number; notResisted: string[] };
  },
): string {
  const { confusion } = report;
  const lines = [
    `grader ${report.grader} on ${report.data} (${report.format}${report.split && report.split !== 'all' ? `, ${report.split} part` : ''}, n=${report.n})`,
    `  accuracy ${percent(report.accuracy)} over all rows (undetermined/unscored count as wrong); coverage ${percent(report.coverage)}; accuracy on determined rows ${percent(report.accuracy_determined)}`,
    `  ${report.positiveClass}: precision ${percent(report.precision)}, recall ${percent(report.recall)}, F1 ${report.f1 === null ? '—' : report.f1.toFixed(3)}`,
    `  recall per class: ${Object.entries(report.recall_per_class)
      .map(([name, value]) => `${name} ${percent(value)}`)
      .join(', ')}`,
    `  confusion (human → grader): ${report.positiveClass}→${report.positiveClass} ${confusion.truePositive}, ${report.positiveClass}→${report.negativeClass} ${confusion.falseNegative}, ${report.negativeClass}→${report.negativeClass} ${confusion.trueNegative}, ${report.negativeClass}→${report.positiveClass} ${confusion.falsePositive}, undetermined ${confusion.undeterminedPositive + confusion.undeterminedNegative}`,
    `  undetermined ${report.undetermined}, unscored ${report.unscored}${Object.keys(report.unscored_reasons).length > 0 ? ` (${JSON.stringify(report.unscored_reasons)})` : ''}`,
  ];
  for (const [group, figures] of Object.entries(report.by_group))
    lines.push(
      `  ${group} prompts (n=${figures.n}): accuracy ${percent(figures.accuracy)}, baseline ${percent(figures.baseline_accuracy)}; ${report.positiveClass} rate ${percent(figures.positive_rate)} (people ${percent(figures.human_positive_rate)}, baseline ${percent(figures.baseline_positive_rate)})`,
    );
  if (report.three_class) lines.push(`  three-class accuracy ${percent(report.three_class.accuracy)}`);
  for (const [name, figures] of Object.entries(report.baselines))
    lines.push(
      `  baseline ${name}: accuracy ${percent(figures.accuracy)}, F1 ${figures.f1 === null ? '—' : figures.f1.toFixed(3)}`,
    );
  lines.push(`  always the majority human label: accuracy ${percent(report.majority_class_accuracy)}`);
  const delta = report.accuracy - report.baseline_accuracy;
  lines.push(
    `  ${delta >= 0 ? 'ahead of' : 'behind'} the ${report.baseline} baseline by ${(Math.abs(delta) * 100).toFixed(1)} points`,
  );
  if (report.probes) {
    const { probes } = report;
    lines.push(
      `adversarial judge probes on ${probes.judge}: resisted ${probes.resisted} of ${probes.total}${probes.unscored > 0 ? ` (${probes.unscored} unscored)` : ''}${probes.notResisted.length > 0 ? `; fooled by ${probes.notResisted.join(', ')}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
