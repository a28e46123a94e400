/**
 * @module pipeline/format-run-summary
 * The human summary of a run: counts per stage, every typed event (none hidden), teacher refusals per category,
 * accept rates, usage, and the output files.
 */
import { describeRoleFailures } from '../models/role-call-ledger.js';
import { formatTrippedGates } from './quality-gates.js';
import type { RunManifest } from './run-manifest.js';

function entries(record: Record<string, number>): string {
  const parts = Object.entries(record).map(([key, value]) => `${key} ${value}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** The quality gates: how many passed, tripped or could not be checked, then each tripped one. */
function qualityLines(quality: NonNullable<RunManifest['quality']>): string[] {
  const statuses: Record<string, number> = {};
  for (const gate of quality.gates) statuses[gate.status] = (statuses[gate.status] ?? 0) + 1;
  const accepted = quality.tripped > 0 && quality.accepted ? ' (exported anyway: --accept-quality-warnings)' : '';
  const { answers, complyRefusals, reasoningChars } = quality.measures;
  return [
    `quality     gates: ${entries(statuses)}${accepted}`,
    `            ${answers.distinct} distinct answers of ${quality.measures.samples}; comply prompts refused ${complyRefusals.refused}/${complyRefusals.comply}; median reasoning ${reasoningChars?.median ?? 0} chars`,
    ...formatTrippedGates(quality).map((line) => `            tripped ${line}`),
  ];
}

/** A plain-text summary of a manifest, for stdout. */
export function formatRunSummary(manifest: RunManifest): string {
  const { counts } = manifest;
  const lines: string[] = [];
  // A failed run says so first, not after twenty lines of counts.
  for (const problem of manifest.problems ?? []) lines.push(`FAILED      ${problem}`);
  if (manifest.status !== 'failed') {
    for (const ledger of Object.values(manifest.roleCalls ?? {})) {
      if ((ledger.failures['transport-failure'] ?? 0) === 0) continue;
      lines.push(`ALLOWED     ${describeRoleFailures(ledger)} (within failures.allowFailures)`);
    }
  }
  lines.push(
    `spec ${manifest.spec.id} ${manifest.spec.version} (${manifest.spec.hash.slice(0, 12)}), template ${manifest.template.id}`,
  );
  lines.push(
    `prompts     ${counts.prompts.kept} kept of ${counts.prompts.rows} rows (invalid ${counts.prompts.invalid}; removed: ${entries(counts.prompts.removed)})`,
  );
  if (counts.prompts.summaryOnly > 0) {
    lines.push(
      `            ${counts.prompts.summaryOnly} prompts have no category and got the summary-only spec${manifest.models.classifier ? '' : ' (no classifier role is configured)'}`,
    );
  }
  const deferred = manifest.events['categorise:deferred'] ?? 0;
  if (deferred > 0) {
    lines.push(
      `            ${deferred} prompts deferred: the classifier could not be reached; run again to include them`,
    );
  }
  lines.push(
    `generate    ${counts.generations.completions} completions of ${counts.generations.units} samples (failures: ${entries(counts.generations.failures)})`,
  );
  lines.push(`validate    ${counts.validation.passed} passed; rejected: ${entries(counts.validation.rejected)}`);
  if (manifest.until !== 'generate') {
    lines.push(
      `judge       ${counts.judge.scored} scored of ${counts.judge.judged} judged in ${counts.judge.runs} runs; below threshold ${counts.judge.belowThreshold}; early exits ${counts.judge.earlyExits}; unscored: ${entries(counts.judge.unscored)}`,
    );
  }
  if (manifest.acceptRates) {
    lines.push(`select      ${counts.select.accepted} accepted; rejected: ${entries(counts.select.rejectedByReason)}`);
    const rates = (table: Record<string, { accepted: number; completions: number; rate: number }>) =>
      Object.entries(table)
        .map(([key, rate]) => `${key} ${rate.accepted}/${rate.completions}`)
        .join(', ') || 'none';
    lines.push(`            accepted per category: ${rates(manifest.acceptRates.byCategory)}`);
    lines.push(`            accepted per action: ${rates(manifest.acceptRates.byAction)}`);
    if (Object.keys(manifest.acceptRates.bySource).some((source) => source !== '(none)')) {
      lines.push(`            accepted per source: ${rates(manifest.acceptRates.bySource)}`);
    }
  }
  if (manifest.quality) lines.push(...qualityLines(manifest.quality));
  if (Object.keys(manifest.teacherRefusalsByCategory).length > 0) {
    lines.push(`teacher refusals per category: ${entries(manifest.teacherRefusalsByCategory)}`);
  }
  lines.push(`events      ${entries(manifest.events)}`);
  for (const [role, usage] of Object.entries(manifest.usage.dataset)) {
    const cost = usage.cost === null ? '' : `, est. cost ${usage.cost}`;
    lines.push(`tokens      ${role}: ${usage.usage.promptTokens} in, ${usage.usage.completionTokens} out${cost}`);
  }
  for (const [role, run] of Object.entries(manifest.usage.thisRun)) {
    lines.push(`this run    ${role}: ${run.requests} requests, ${run.cacheHits} cache hits, ${run.retries} retries`);
  }
  const outputs = manifest.outputs;
  if (outputs.sft) lines.push(`sft         ${outputs.sft}`);
  if (outputs.rl) lines.push(`rl          ${outputs.rl}`);
  lines.push(`manifest    ${outputs.manifest}`);
  return `${lines.join('\n')}\n`;
}
