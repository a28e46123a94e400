/**
 * Checks the import arrows of ARCHITECTURE.md: imports point left, siblings never import each other.
 *   records ← io ← { spec, models } ← grading ← { pipeline, evals, servers } ← cli
 * The checker is test/helpers/check-architecture.ts; the fixtures below prove each hole it closes stays closed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSourceFile } from './helpers/check-architecture.js';

const root = path.resolve(import.meta.dirname, '../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return name === '__fixtures__' ? [] : sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('architecture', () => {
  const files = sourceFiles(root);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('every file in src/ keeps the rules (ARCHITECTURE.md)', () => {
    const violations = files.flatMap((file) =>
      checkSourceFile(path.relative(root, file).split(path.sep).join('/'), readFileSync(file, 'utf8')),
    );
    expect(violations).toEqual([]);
  });
});

describe('the architecture checker catches', () => {
  const caught: Array<[string, string, string, RegExp]> = [
    ['an import pointing right', 'io/x.ts', "import { a } from '../grading/a.js';", /io → grading is not allowed/],
    ['a sibling import', 'evals/x.ts', "import { a } from '../servers/a.js';", /evals → servers/],
    ['a re-export', 'records/x.ts', "export * from '../io/a.js';", /records → io/],
    ['a side-effect import', 'io/x.ts', "import '../cli/main.js';", /io → cli/],
    ['a type-only import', 'spec/x.ts', "import type { A } from '../models/a.js';", /spec → models/],
    ['a multi-line import', 'io/x.ts', "import {\n  a,\n  b,\n} from '../spec/a.js';", /io\/x.ts:1 .*io → spec/],
    ['a dynamic import', 'io/x.ts', "await import('../pipeline/a.js');", /io → pipeline/],
    ['a template-string import', 'io/x.ts', 'await import(`../pipeline/a.js`);', /io → pipeline/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is source text holding a template literal
    ['a computed relative import', 'io/x.ts', 'await import(`../${name}/a.js`);', /computed path/],
    ['an import type expression', 'io/x.ts', "type T = import('../evals/a.js').T;", /io → evals/],
    ['an import of index.ts', 'cli/x.ts', "import { a } from '../index.js';", /imports index.ts/],
    ['a folder not in ARCHITECTURE.md', 'extras/x.ts', "import { a } from '../io/a.js';", /"extras" is not/],
    ['process.env', 'io/x.ts', 'const key = process.env.KEY;', /process\.env/],
    ['process.exit', 'servers/x.ts', 'process.exit(1);', /process\.exit/],
    ['process.argv', 'spec/x.ts', 'const args = process.argv;', /process\.argv/],
    ["process['env']", 'io/x.ts', "const key = process['env'].KEY;", /process\.env/],
    ['process[key]', 'io/x.ts', 'const value = process[name];', /process\.\[computed\]/],
    ['destructured process', 'models/x.ts', 'const { env } = process;', /destructuring/],
    ['an alias of process', 'models/x.ts', 'const p = process;\np.exit(1);', /alias "p"/],
    ['node:process by import', 'io/x.ts', "import { env } from 'node:process';", /"node:process" by import/],
    ['fs without node:', 'io/x.ts', "import { readFile } from 'fs/promises';", /write "node:fs\/promises"/],
    ['path without node:', 'io/x.ts', "import path from 'path';", /write "node:path"/],
    ['a builtin side-effect import without node:', 'io/x.ts', "import 'crypto';", /write "node:crypto"/],
    ['file access in records/', 'records/x.ts', "import { readFile } from 'node:fs/promises';", /no file or network/],
    ['network access in records/', 'records/x.ts', "import http from 'node:http';", /no file or network/],
  ];
  it.each(caught)('%s', (_, file, text, message) => {
    const violations = checkSourceFile(file, text);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.join('\n')).toMatch(message);
  });

  const allowed: Array<[string, string, string]> = [
    ['an import pointing left', 'grading/x.ts', "import { a } from '../models/a.js';\nimport '../io/b.js';"],
    ['errors.ts from anywhere', 'records/x.ts', "import { DeliberateError } from '../errors.js';"],
    ['process.pid and process.stdout', 'io/x.ts', 'const id = process.pid;\nprocess.stdout.write("x");'],
    ['process.env inside cli/', 'cli/x.ts', 'const key = process.env.KEY;\nconst { argv } = process;'],
    ['words in comments and strings', 'io/x.ts', '// import \'../cli/a.js\'; process.env\nconst s = "process.exit";'],
    ['a computed import of a user file', 'evals/x.ts', 'await import(pathToFileURL(file).href);'],
    ['node: builtins and packages', 'io/x.ts', "import path from 'node:path';\nimport { z } from 'zod';"],
  ];
  it.each(allowed)('not %s', (_, file, text) => {
    expect(checkSourceFile(file, text)).toEqual([]);
  });
});
