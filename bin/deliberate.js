#!/usr/bin/env node
// The CLI entry: runs the built CLI (dist/, built by `npm ci` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write(
    'deliberate: dist/ is missing. Run `npm run build` (or `npm ci`, which builds) in the deliberate folder.\n',
  );
  process.exit(1);
}
const { runCli } = await import(built);
process.exitCode = await runCli(process.argv.slice(2));
