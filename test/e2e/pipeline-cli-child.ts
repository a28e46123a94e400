/** The CLI as a child process for the SIGKILL tests: `node --import tsx test/e2e/pipeline-cli-child.ts run …`. */
import { runCli } from '../../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
