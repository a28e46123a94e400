/**
 * @module spec/front-matter
 * The YAML front matter of the root spec file: `id`, `version`, `title`, `precedence`.
 */
import { z } from 'zod';
import type { PrecedenceRule } from '../records/spec.js';
import type { SpecDiagnostics } from './spec-diagnostics.js';
import {
  parseYamlSource,
  reportZodIssues,
  yamlKeyOffset,
  yamlLocation,
  yamlNodeOffset,
  yamlSourceValue,
} from './yaml-source.js';

export interface FrontMatter {
  id: string | null;
  version: string | null;
  title: string | null;
  precedence: PrecedenceRule[];
}

export interface SplitFrontMatter {
  /** The YAML between the `---` lines, or null when the file has no front matter. */
  yaml: string | null;
  /** The Markdown after the front matter, with the front matter lines blanked so that line numbers stay true. */
  body: string;
}

/** Splits `---\nyaml\n---\nmarkdown`. An opening `---` without a closing line is reported and the file read as Markdown. */
export function splitFrontMatter(options: {
  text: string;
  file: string;
  diagnostics: SpecDiagnostics;
}): SplitFrontMatter {
  const text = options.text.replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  // Trailing spaces after the fence (an editor artefact) are allowed, as on the closing line.
  if (!/^---[ \t]*\r?$/.test(lines[0] ?? '')) return { yaml: null, body: text };
  const closing = lines.findIndex((line, index) => index > 0 && /^(---|\.\.\.)\s*$/.test(line));
  if (closing === -1) {
    options.diagnostics.error(
      'front-matter-not-closed',
      'front matter starts with --- but has no closing --- line',
      { file: options.file, line: 1, column: 1 },
      'end the front matter with a line holding only ---',
    );
    return { yaml: null, body: lines.map(() => '').join('\n') };
  }
  const yaml = lines.slice(1, closing).join('\n');
  const body = [...lines.slice(0, closing + 1).map(() => ''), ...lines.slice(closing + 1)].join('\n');
  return { yaml, body };
}

const idPattern = /^[a-z0-9][a-z0-9._-]*$/;

const PrecedenceItem = z.strictObject({
  prefer: z.string().min(1),
  over: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  note: z.string().optional(),
});

const FrontMatterSchema = z.object({
  id: z.string().regex(idPattern, 'must be a lower-case id such as acme-safety').optional(),
  version: z.string().min(1).optional(),
  title: z.string().optional(),
  precedence: z.array(PrecedenceItem).optional(),
});

const knownKeys = new Set(['id', 'version', 'title', 'precedence']);

/** Parses the front matter YAML (which starts on line 2 of `file`); problems become diagnostics. */
export function parseFrontMatter(options: { yaml: string; file: string; diagnostics: SpecDiagnostics }): FrontMatter {
  const { diagnostics, file } = options;
  const empty: FrontMatter = { id: null, version: null, title: null, precedence: [] };
  const source = parseYamlSource({
    text: options.yaml,
    placement: { file, lineOffset: 1, columnOffset: 0 },
    diagnostics,
    what: 'the front matter',
  });
  if (!source) return empty;
  const plain = yamlSourceValue(source, diagnostics, 'the front matter');
  if (!plain) return empty;
  const value: unknown = plain.value ?? {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.error(
      'invalid-front-matter',
      'front matter must be a YAML mapping (key: value lines)',
      yamlLocation(source, yamlNodeOffset(source, [])),
      'write id: and version: lines between the --- lines',
    );
    return empty;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!knownKeys.has(key))
      diagnostics.warning(
        'unknown-front-matter-key',
        `unknown front matter key "${key}" is ignored`,
        yamlLocation(source, yamlKeyOffset(source, [], key)),
        'known keys: id, version, title, precedence',
      );
  }
  if (typeof record.version === 'number') {
    diagnostics.error(
      'version-not-string',
      `version is the number ${record.version}, not a string`,
      yamlLocation(source, yamlNodeOffset(source, ['version'])),
      'quote it, e.g. version: "1.0.0" (YAML reads 1.10 as 1.1)',
    );
    record.version = undefined;
  }
  const parsed = FrontMatterSchema.safeParse(record);
  if (!parsed.success) {
    reportZodIssues({
      issues: parsed.error.issues,
      value: record,
      source,
      basePath: [],
      diagnostics,
      code: 'invalid-front-matter',
      hint: 'see docs/spec-format.md (the root file)',
    });
    return empty;
  }
  const data = parsed.data;
  return {
    id: data.id ?? null,
    version: data.version ?? null,
    title: data.title ?? null,
    precedence: (data.precedence ?? []).map((item, index) => ({
      prefer: item.prefer,
      over: typeof item.over === 'string' ? [item.over] : item.over,
      ...(item.note === undefined ? {} : { note: item.note }),
      location: yamlLocation(source, yamlNodeOffset(source, ['precedence', index])),
    })),
  };
}
