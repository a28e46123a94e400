/**
 * @module cli/write-config-schema
 * `npm run schema`: writes config.schema.json at the repository root from the `Config` record.
 */
import path from 'node:path';
import { findPackageRoot } from '../io/package-root.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { configSchemaText } from './config-schema.js';

const file = path.join(findPackageRoot(), 'config.schema.json');
writeFileAtomic(file, configSchemaText());
process.stdout.write(`wrote ${file}\n`);
