/**
 * @module cli/write-config-schema
 * `npm run schema`: writes config.schema.json at the repository root from the `Config` record.
 */
import path from 'node:path';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { configSchemaText } from './config-schema.js';
import { findPackageRoot } from './init-project.js';

const file = path.join(findPackageRoot(), 'config.schema.json');
writeFileAtomic(file, configSchemaText());
process.stdout.write(`wrote ${file}\n`);
