/**
 * @module pipeline/export-summary
 * What an export wrote and measured; the pipeline copies it into the run manifest.
 */
import type { RenderCheckSummary } from './render-check.js';
import type { TokenStatistics } from './token-stats.js';

export interface ExportSummary {
  kind: 'sft' | 'rl';
  format: string;
  outFile: string;
  /** The provenance sidecar (SFT only): one line per row with the row number and the example's ids and scores. */
  metaFile?: string;
  rows: number;
  /** Rows per spec category (a row with several categories counts in each; none counts as `(none)`). */
  categories: Record<string, number>;
  /** Rows per `metadata.idealAction` hint (`(none)` when absent). */
  idealActions: Record<string, number>;
  /** How many spec texts the no-spec-in-prompt guard compared every prompt with. */
  specTextsChecked: number;
  tokenStatistics: TokenStatistics | null;
  renderCheck: RenderCheckSummary | null;
  /** Engine notes: the loader flags or config snippet this file needs. */
  notes: string[];
}

type CountedRecord = { categories: readonly string[]; metadata: { idealAction?: string } };

/** Rows per category and per idealAction hint, counted one record at a time (an export counts as it writes). */
export function createCategoryTally(): {
  add(record: CountedRecord): void;
  counts(): Pick<ExportSummary, 'categories' | 'idealActions'>;
} {
  const categories: Record<string, number> = {};
  const idealActions: Record<string, number> = {};
  return {
    add(record) {
      for (const category of record.categories.length > 0 ? record.categories : ['(none)']) {
        categories[category] = (categories[category] ?? 0) + 1;
      }
      const action = record.metadata.idealAction ?? '(none)';
      idealActions[action] = (idealActions[action] ?? 0) + 1;
    },
    counts: () => ({ categories, idealActions }),
  };
}

/** Counts rows per category and per idealAction hint. */
export function countCategoriesAndActions(
  records: Iterable<CountedRecord>,
): Pick<ExportSummary, 'categories' | 'idealActions'> {
  const tally = createCategoryTally();
  for (const record of records) tally.add(record);
  return tally.counts();
}
