/**
 * @module io/load-config
 * deliberate.yaml → a validated Config (public API: `loadConfig` / `parseConfig` from the package index). Every
 * problem is a ConfigError naming file:line, the path in the config and the fix; paths written in the config resolve
 * against the config file's folder. The CLI loads the config and hands its sections to the entry points
 * (`runPipeline`, `runEval`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { Config } from '../records/config.js';
import { decodeUtf8, describeUtf8Problem } from './utf8-text.js';
import { describeYamlParseError, yamlToPlain } from './yaml-to-plain.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file. */
  file: string;
  /** Resolves a path written in the config relative to the config file's folder. */
  resolve: (relative: string) => string;
}

/** Reads and validates deliberate.yaml; every problem names file:line, the path in the config and the fix. */
export function loadConfig(file: string): LoadedConfig {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    throw new ConfigError(`cannot read config file ${absolute}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      hint: 'pass --config <file>, or run `deliberate init <dir>` to write a starter deliberate.yaml',
    });
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const { message, hint } = describeUtf8Problem(decoded.problem);
    throw new ConfigError(message, {
      location: `${absolute}:${decoded.problem.line}:${decoded.problem.column}`,
      hint,
    });
  }
  return parseConfig(decoded.text, absolute);
}

export function parseConfig(text: string, file: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const position = lineCounter.linePos(first.pos[0]);
    const { message, hint } = describeYamlParseError(
      first.message,
      'fix the YAML syntax (indentation, a missing colon or quote)',
    );
    throw new ConfigError(`invalid YAML: ${message}`, { location: `${file}:${position.line}:${position.col}`, hint });
  }
  const plain = yamlToPlain(document);
  if (!plain.ok) {
    const position = lineCounter.linePos(plain.offset);
    throw new ConfigError(`invalid YAML: ${plain.message}`, {
      location: `${file}:${position.line}:${position.col}`,
      hint: plain.hint,
    });
  }
  const parsed = Config.safeParse(plain.value ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => formatIssue(issue, document, lineCounter, file));
    throw new ConfigError(`invalid config:\n${lines.join('\n')}`, {
      hint: 'see config.schema.json (add `# yaml-language-server: $schema=...` for editor checks)',
    });
  }
  const folder = path.dirname(file);
  return { config: parsed.data, file, resolve: (relative) => path.resolve(folder, relative) };
}

function formatIssue(
  issue: z.core.$ZodIssue,
  document: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  file: string,
): string {
  const issuePath = issue.path.map(String);
  let line = 1;
  for (let depth = issuePath.length; depth >= 0; depth--) {
    const node = document.getIn(issuePath.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      line = lineCounter.linePos(node.range[0]).line;
      break;
    }
  }
  const at = issuePath.length > 0 ? issuePath.join('.') : '(top level)';
  return `✖ ${issue.message}\n  → at ${at} (${file}:${line})`;
}
