/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or the ones named on the command line) and prints their lines.
 * Speed is measured here, never asserted in tests.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const folder = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(folder)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.some((word) => name.includes(word)))
  .sort();
for (const name of files) {
  console.log(`\n## ${name}`);
  const module = (await import(pathToFileURL(path.join(folder, name)).href)) as { run?: () => Promise<void> };
  await module.run?.();
}
