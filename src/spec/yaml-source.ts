/**
 * @module spec/yaml-source
 * YAML embedded in a spec file (the front matter, a rule's ```yaml block): parse it, and map YAML offsets and
 * zod issues back to file:line:col.
 */
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { describeYamlParseError, yamlToPlain } from '../io/yaml-to-plain.js';
import type { SourceLocation } from '../records/spec.js';
import type { SpecDiagnostics } from './spec-diagnostics.js';

/** Where a YAML text sits in its file: its line 1 is file line `lineOffset + 1`, shifted right by `columnOffset`. */
export interface YamlPlacement {
  file: string;
  lineOffset: number;
  columnOffset: number;
}

export interface YamlSource {
  document: Document;
  placement: YamlPlacement;
  lineCounter: LineCounter;
}

/** The file location of an offset in the YAML text. */
export function yamlLocation(source: YamlSource, offset: number): SourceLocation {
  const position = source.lineCounter.linePos(offset);
  return {
    file: source.placement.file,
    line: source.placement.lineOffset + position.line,
    column: source.placement.columnOffset + position.col,
  };
}

/**
 * Where an unclosed quote opens: the YAML parser reports it where the text ends, often many lines later. The opening
 * is the first quote before that point that starts a value and is not closed on its own line.
 */
export function unclosedQuoteOffset(text: string, message: string, offset: number): number | undefined {
  const quote = /Missing closing (["'])quote/.exec(message)?.[1];
  if (quote === undefined) return undefined;
  const opening = new RegExp(`(?:^|[\\s:,\\[{-])(${quote})`, 'gm');
  for (const match of text.slice(0, offset).matchAll(opening)) {
    const start = (match.index ?? 0) + match[0].length - 1;
    const lineEnd = text.indexOf('\n', start);
    const rest = text.slice(start + 1, lineEnd === -1 ? undefined : lineEnd);
    if (!rest.includes(quote)) return start;
  }
  return undefined;
}

/** Parses YAML; syntax errors become diagnostics at their exact position and the result is null. */
export function parseYamlSource(options: {
  text: string;
  placement: YamlPlacement;
  diagnostics: SpecDiagnostics;
  /** What this YAML is, for messages: "front matter" or "the yaml block of rule illicit.K0". */
  what: string;
}): YamlSource | null {
  const lineCounter = new LineCounter();
  const document = parseDocument(options.text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const source: YamlSource = { document, placement: options.placement, lineCounter };
  if (document.errors.length === 0) return source;
  for (const error of document.errors) {
    const { message, hint } = describeYamlParseError(
      error.message,
      'fix the YAML syntax (indentation, a missing colon, an unquoted ": " or "#" in a value)',
    );
    options.diagnostics.error(
      'invalid-yaml',
      `invalid YAML in ${options.what}: ${message}`,
      yamlLocation(source, unclosedQuoteOffset(options.text, error.message, error.pos[0]) ?? error.pos[0]),
      hint,
    );
  }
  return null;
}

/** The document as plain values; an alias bomb or a too-deep document is a diagnostic at its place, and null. */
export function yamlSourceValue(
  source: YamlSource,
  diagnostics: SpecDiagnostics,
  what: string,
): { value: unknown } | null {
  const plain = yamlToPlain(source.document);
  if (plain.ok) return { value: plain.value };
  diagnostics.error(
    'invalid-yaml',
    `invalid YAML in ${what}: ${plain.message}`,
    yamlLocation(source, plain.offset),
    plain.hint,
  );
  return null;
}

/** Offset of the YAML node at `path`, or of its nearest existing parent. */
export function yamlNodeOffset(source: YamlSource, path: readonly PropertyKey[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? source.document.contents : source.document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

/** Offset of the key `key` of the map at `path`, or of the map itself. */
export function yamlKeyOffset(source: YamlSource, path: readonly PropertyKey[], key: string): number {
  const node = path.length === 0 ? source.document.contents : source.document.getIn(path, true);
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return yamlNodeOffset(source, path);
}

/** `examples[2].action` */
export function yamlPathLabel(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** Reports the issues of a failed zod parse of the value at `basePath`, each at its YAML node. */
export function reportZodIssues(options: {
  issues: readonly z.core.$ZodIssue[];
  value: unknown;
  source: YamlSource;
  basePath: readonly PropertyKey[];
  diagnostics: SpecDiagnostics;
  code: string;
  hint: string;
}): void {
  for (const issue of options.issues) {
    const path = [...options.basePath, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const label = yamlPathLabel([...path, key]);
        options.diagnostics.error(
          options.code,
          `${label}: unknown key "${key}"`,
          yamlLocation(options.source, yamlKeyOffset(options.source, path, key)),
          options.hint,
        );
      }
      continue;
    }
    const present = valueAt(options.value, issue.path) !== undefined;
    // Any issue on an absent value (a missing string, a missing enum such as an example's action) is "missing".
    const message = !present
      ? `missing "${String(issue.path.at(-1) ?? '')}"`
      : issue.code === 'invalid_type'
        ? `expected ${issue.expected}`
        : issue.message;
    const label = yamlPathLabel(present ? path : path.slice(0, -1));
    options.diagnostics.error(
      options.code,
      `${label ? `${label}: ` : ''}${message}`,
      yamlLocation(options.source, yamlNodeOffset(options.source, path)),
      options.hint,
    );
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}
