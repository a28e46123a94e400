/**
 * The checker behind test/architecture.test.ts: parses one source file (TypeScript's own parser, so comments and
 * strings never count) and lists every way it breaks ARCHITECTURE.md. Pure: a path inside src/ and the file's text
 * in, messages out, so the test can run it on in-memory fixtures as well as on the tree.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** What each folder may import (besides itself and errors.ts). */
export const allowedImports: Record<string, string[]> = {
  records: [],
  io: ['records'],
  spec: ['records', 'io'],
  models: ['records', 'io'],
  grading: ['records', 'io', 'spec', 'models'],
  pipeline: ['records', 'io', 'spec', 'models', 'grading'],
  evals: ['records', 'io', 'spec', 'models', 'grading'],
  servers: ['records', 'io', 'spec', 'models', 'grading'],
  testing: ['records', 'models'],
  cli: ['records', 'io', 'spec', 'models', 'grading', 'pipeline', 'evals', 'servers'],
};

const processOnlyInCli = new Set(['env', 'exit', 'argv']);
const noAccessInRecords = new Set(['fs', 'fs/promises', 'http', 'https', 'net', 'child_process', 'http2', 'dgram']);
const builtins = new Set(builtinModules);

/** One module a file reaches: its literal specifier, or `undefined` when the path is computed from a template. */
interface ModuleReference {
  specifier: string | undefined;
  relativeHead: string | undefined;
  line: number;
}

/** `records/x.ts` → `records`; `index.ts` → `index.ts`. */
function topFolder(relativePath: string): string {
  return relativePath.split('/')[0]!;
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

function referenceFrom(
  source: ts.SourceFile,
  node: ts.Node,
  argument: ts.Node | undefined,
): ModuleReference | undefined {
  if (!argument) return undefined;
  const line = lineOf(source, node);
  if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument))
    return { specifier: argument.text, relativeHead: undefined, line };
  if (ts.isTemplateExpression(argument) && argument.head.text.startsWith('.'))
    return { specifier: undefined, relativeHead: argument.head.text, line };
  return undefined;
}

/** Every import, re-export, side-effect import, `import()` and `import('x').T` type in the file. */
function moduleReferences(source: ts.SourceFile): ModuleReference[] {
  const found: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    let reference: ModuleReference | undefined;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node))
      reference = referenceFrom(source, node, node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      reference = referenceFrom(source, node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      reference = referenceFrom(source, node, node.argument.literal);
    if (reference) found.push(reference);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function importArrowViolation(file: string, target: string): string | undefined {
  const from = topFolder(file);
  const to = topFolder(target);
  if (to === 'index.ts' || to === 'index.js') return `${file} imports index.ts (nothing inside src/ may)`;
  if (from === 'index.ts' || to === from || to === 'errors.ts' || to === 'errors.js') return undefined;
  const permitted = allowedImports[from];
  if (!permitted) return `${file}: folder "${from}" is not in ARCHITECTURE.md`;
  if (to.startsWith('..')) return `${file} imports ${target} (outside src/)`;
  if (!permitted.includes(to)) return `${file} imports ${target} (${from} → ${to} is not allowed)`;
  return undefined;
}

function referenceViolations(file: string, reference: ModuleReference): string[] {
  const where = `${file}:${reference.line}`;
  if (reference.specifier === undefined) {
    const head = path.posix.join(path.posix.dirname(file), reference.relativeHead!);
    if (topFolder(head) === topFolder(file)) return [];
    return [`${where} imports a computed path starting "${reference.relativeHead}" (write the path as a literal)`];
  }
  const specifier = reference.specifier;
  const violations: string[] = [];
  if (builtins.has(specifier) && !specifier.startsWith('node:'))
    violations.push(`${where} imports "${specifier}" (write "node:${specifier}")`);
  const builtin = specifier.replace(/^node:/, '');
  if (topFolder(file) === 'records' && builtins.has(builtin) && noAccessInRecords.has(builtin))
    violations.push(`${where} imports "${specifier}" (records/ does no file or network access)`);
  if (specifier.startsWith('.')) {
    const target = path.posix.join(path.posix.dirname(file), specifier);
    const arrow = importArrowViolation(file, target);
    if (arrow) violations.push(arrow.replace(file, where));
  }
  return violations;
}

function isProcess(node: ts.Node): boolean {
  return ts.isIdentifier(node) && node.text === 'process';
}

function processMemberName(node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node) && isProcess(node.expression)) return node.name.text;
  if (ts.isElementAccessExpression(node) && isProcess(node.expression)) {
    const key = node.argumentExpression;
    return ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key) ? key.text : '[computed]';
  }
  return undefined;
}

/** `process.env`, `process['env']`, `process[key]`, `const { env } = process`, `import { env } from 'node:process'`. */
function processViolations(file: string, source: ts.SourceFile): string[] {
  const found: string[] = [];
  const report = (node: ts.Node, what: string): void => {
    found.push(`${file}:${lineOf(source, node)} touches ${what} (only cli/ reads env/argv or exits)`);
  };
  const visit = (node: ts.Node): void => {
    const member = processMemberName(node);
    if (member !== undefined && (processOnlyInCli.has(member) || member === '[computed]'))
      report(node, `process.${member}`);
    if (ts.isVariableDeclaration(node) && node.initializer && isProcess(node.initializer))
      report(
        node,
        ts.isIdentifier(node.name) ? `process through the alias "${node.name.text}"` : 'process by destructuring',
      );
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = node.moduleSpecifier.text;
      if (module === 'node:process' || module === 'process') report(node, `"${module}" by import`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Every ARCHITECTURE.md rule `text` breaks. `file` is its path inside src/ with forward slashes (`grading/x.ts`).
 */
export function checkSourceFile(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const violations = moduleReferences(source).flatMap((reference) => referenceViolations(file, reference));
  if (topFolder(file) !== 'cli') violations.push(...processViolations(file, source));
  return violations;
}
