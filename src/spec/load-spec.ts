/**
 * @module spec/load-spec
 * Markdown spec (one file, or a folder of spec.md + category files) → checked `Spec`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SpecError } from '../errors.js';
import { decodeUtf8, describeUtf8Problem } from '../io/utf8-text.js';
import type { SourceLocation, Spec, SpecDiagnostic } from '../records/spec.js';
import { type CategoryTokens, checkSpecContent, defaultSpecBudgets, type TokenMeasure } from './check-spec.js';
import { emptySpecDraft, parseSpecFile } from './parse-spec-file.js';
import { formatSpecDiagnostic, SpecDiagnostics, sortSpecDiagnostics } from './spec-diagnostics.js';
import { specHash } from './spec-hash.js';

export interface SpecCheckOptions {
  /** Tokens allowed for one category's full text before a warning (default 10,000). */
  tokenBudget?: number;
  /** Tokens allowed for one category summary before a warning (default 600). */
  summaryBudget?: number;
  /**
   * Count each category's tokens against the budgets (default true). Off where nothing prints the budget warnings
   * (`prompts prepare` only needs the category ids): the tokenizer then never loads (about 140 MB and 1 s).
   */
  measureTokens?: boolean;
}

export interface LoadSpecOptions extends SpecCheckOptions {
  /** Each warning `spec check` would print (formatted `file:line:col: warning: …`), so `run` prints them too. */
  onWarning?: (formatted: string) => void;
}

export interface SpecCheckResult {
  /** The spec, or null when there is any error. */
  spec: Spec | null;
  /** Errors and warnings, ordered by file, line and column. */
  diagnostics: SpecDiagnostic[];
  /** Token counts per category (full text and summary); empty when the spec could not be assembled. */
  tokens: CategoryTokens[];
}

interface SpecSource {
  file: string;
  text: string;
  isRoot: boolean;
}

/** Reads and checks a spec; never throws for problems in the spec, which come back as diagnostics. */
export function checkSpec(specPath: string, options: SpecCheckOptions = {}): Promise<SpecCheckResult> {
  return readAndCheckSpec(specPath, options, options.measureTokens === false ? 'none' : 'all');
}

/** checkSpec, counting the tokens `measure` says. */
async function readAndCheckSpec(
  specPath: string,
  options: SpecCheckOptions,
  measure: TokenMeasure,
): Promise<SpecCheckResult> {
  const diagnostics = new SpecDiagnostics();
  const sources = await readSpecSources(specPath, diagnostics);
  const files = sources.map((source) => source.file);
  if (sources.length === 0)
    return { spec: null, diagnostics: sortSpecDiagnostics(diagnostics.items, files), tokens: [] };
  const draft = emptySpecDraft();
  for (const source of sources) parseSpecFile({ ...source, draft, diagnostics });
  const rootLocation: SourceLocation = { file: files[0]!, line: 1, column: 1 };
  const frontMatter = draft.frontMatter;
  if (frontMatter === null || frontMatter.id === null || frontMatter.version === null) {
    const missing = ['id', 'version'].filter((key) => frontMatter?.[key as 'id' | 'version'] == null);
    if (!draft.frontMatterInvalid)
      diagnostics.error(
        'missing-front-matter-key',
        `front matter has no ${missing.join(' or ')}`,
        rootLocation,
        'start the root file with ---, id: my-spec, version: "1.0.0", ---',
      );
  }
  const content: Omit<Spec, 'hash' | 'files'> = {
    id: frontMatter?.id ?? '',
    version: frontMatter?.version ?? '',
    title: frontMatter?.title ?? draft.title ?? frontMatter?.id ?? '',
    globalSummary: draft.globalSummary,
    principles: draft.principles.filter((part) => part !== '').join('\n\n'),
    precedenceText: draft.precedenceText,
    precedence: frontMatter?.precedence ?? [],
    categories: draft.categories,
    styleGuides: draft.styleGuides,
  };
  const unhashed: Spec = { ...content, hash: '', files };
  const tokens = checkSpecContent({
    spec: unhashed,
    rootLocation,
    invalidRuleIds: draft.invalidRuleIds,
    budgets: {
      tokenBudget: options.tokenBudget ?? defaultSpecBudgets.tokenBudget,
      summaryBudget: options.summaryBudget ?? defaultSpecBudgets.summaryBudget,
    },
    measureTokens: measure,
    diagnostics,
  });
  const sorted = sortSpecDiagnostics(diagnostics.items, files);
  if (diagnostics.hasErrors) return { spec: null, diagnostics: sorted, tokens };
  return { spec: { ...unhashed, hash: specHash(content) }, diagnostics: sorted, tokens };
}

/**
 * Reads and checks a spec; throws SpecError listing every error (file:line:col) if there is any. It gives the warnings
 * `spec check` gives, counting tokens only for a text whose bound is over its budget (no tokenizer for most specs).
 */
export async function loadSpec(specPath: string, options: LoadSpecOptions = {}): Promise<Spec> {
  const result = await readAndCheckSpec(specPath, options, options.measureTokens === false ? 'none' : 'over-budget');
  if (result.spec) {
    for (const diagnostic of result.diagnostics) {
      if (diagnostic.severity === 'warning') options.onWarning?.(formatSpecDiagnostic(diagnostic));
    }
    return result.spec;
  }
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const first = errors[0]?.location;
  throw new SpecError(
    `spec ${specPath} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${errors.map(formatSpecDiagnostic).join('\n')}`,
    {
      ...(first ? { location: `${first.file}:${first.line}:${first.column}` } : {}),
      hint: `run deliberate spec check ${specPath} and fix the errors`,
    },
  );
}

async function readSpecSources(specPath: string, diagnostics: SpecDiagnostics): Promise<SpecSource[]> {
  const here: SourceLocation = { file: specPath, line: 1, column: 1 };
  let isFolder: boolean;
  try {
    isFolder = (await stat(specPath)).isDirectory();
  } catch (error) {
    diagnostics.error(
      'spec-not-found',
      `cannot read spec ${specPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      here,
      'pass a Markdown file or a folder holding spec.md (deliberate init <dir> writes an example)',
    );
    return [];
  }
  if (!isFolder) {
    // spec.md of a folder spec, passed on its own, would load without its categories: say which path to pass.
    const folder = path.dirname(specPath);
    if (path.basename(specPath) === 'spec.md' && (await hasMarkdown(path.join(folder, 'categories')))) {
      diagnostics.error(
        'spec-root-file-of-folder',
        `${specPath} is the root file of the spec folder ${folder}, whose categories/ would not be read`,
        here,
        `pass the folder instead: ${folder}`,
      );
      return [];
    }
    const text = await readSpecText(specPath, diagnostics);
    return text === null ? [] : [{ file: specPath, text, isRoot: true }];
  }
  const relativeFiles = (await listMarkdown(specPath, '')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!relativeFiles.includes('spec.md')) {
    diagnostics.error(
      'no-root-file',
      `spec folder ${specPath} has no spec.md`,
      { file: path.join(specPath, 'spec.md'), line: 1, column: 1 },
      'add spec.md with the front matter (id, version) and the Summary, Principles and Style guides',
    );
    return [];
  }
  const ordered = ['spec.md', ...relativeFiles.filter((file) => file !== 'spec.md')];
  const sources = await Promise.all(
    ordered.map(async (relative) => {
      const file = path.join(specPath, relative);
      const text = await readSpecText(file, diagnostics);
      return text === null ? null : { file, text, isRoot: relative === 'spec.md' };
    }),
  );
  return sources.filter((source) => source !== null);
}

/** A spec file's text; bytes that are not UTF-8, or a binary file, are an error at their line and column. */
async function readSpecText(file: string, diagnostics: SpecDiagnostics): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    diagnostics.error(
      'unreadable-file',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file, line: 1, column: 1 },
      'a symlink must point at an existing file; fix or remove it',
    );
    return null;
  }
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return decoded.text;
  const { message, hint } = describeUtf8Problem(decoded.problem);
  diagnostics.error(
    decoded.problem.binary ? 'binary-file' : 'invalid-utf8',
    message,
    { file, line: decoded.problem.line, column: decoded.problem.column },
    hint,
  );
  return null;
}

async function hasMarkdown(folder: string): Promise<boolean> {
  try {
    return (await listMarkdown(folder, '')).length > 0;
  } catch {
    return false; // no such folder
  }
}

/** `*.md` files below `folder` as POSIX paths relative to it; skips hidden folders, node_modules and README.md. */
async function listMarkdown(folder: string, relative: string): Promise<string[]> {
  const entries = await readdir(path.join(folder, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    // A symlinked file is followed, the same way by `spec check` and `run` (a dangling one is an error when read);
    // symlinked folders are not followed (a link to a parent would never end).
    const target = entry.isSymbolicLink() ? await stat(path.join(folder, child)).catch(() => null) : entry;
    if (entry.isDirectory()) files.push(...(await listMarkdown(folder, child)));
    else if (
      (target === null || target.isFile()) &&
      entry.name.endsWith('.md') &&
      entry.name.toLowerCase() !== 'readme.md'
    )
      files.push(child);
  }
  return files;
}
