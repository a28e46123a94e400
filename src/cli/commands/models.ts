/**
 * @module cli/commands/models
 * `deliberate models check | pull | batch-write | batch-read`: check every role's endpoint, download GGUF files,
 * and move requests through batch files (OpenAI Batch / vllm run-batch) into the request cache.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { readJsonl } from '../../io/jsonl.js';
import { type LoadedConfig, loadConfig } from '../../io/load-config.js';
import { readBatchResults, writeBatchFile } from '../../models/batch-file.js';
import { checkModel, formatModelChecks, type ModelCheck } from '../../models/check-model.js';
import {
  createChatModelFromSettings,
  generateOptionsFromSettings,
} from '../../models/create-model-client-from-settings.js';
import type { OpenAICompatibleModel } from '../../models/openai-compatible-model.js';
import { pullGguf } from '../../models/pull-gguf.js';
import { openRequestCache } from '../../models/request-cache.js';
import { Message } from '../../records/message.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';

function selectRoles(loaded: LoadedConfig, role: string | undefined): string[] {
  const roles = Object.keys(loaded.config.models);
  if (roles.length === 0) {
    // Checking nothing would print "all 0 roles work" and exit 0: a pass that says nothing.
    throw new ConfigError(`no models to check: models in ${loaded.file} is empty`, {
      location: 'models',
      hint: 'add a role under models, e.g. teacher: { provider: openai-compatible, baseUrl: http://127.0.0.1:8000/v1, model: qwen3-8b }',
    });
  }
  if (role === undefined) return roles;
  if (!roles.includes(role)) {
    throw new ConfigError(`no role "${role}" in ${loaded.file}`, {
      hint: `the config has: ${roles.join(', ') || '(no models)'}`,
    });
  }
  return [role];
}

function openAICompatibleRole(loaded: LoadedConfig, role: string, context: CliContext): OpenAICompatibleModel {
  const settings = loaded.config.models[role];
  if (!settings)
    throw new ConfigError(`no role "${role}" in ${loaded.file}`, { hint: 'pass --role with a role of the config' });
  if (settings.provider !== 'openai-compatible') {
    throw new ConfigError(
      `role "${role}" uses provider ${settings.provider}; batch files need an openai-compatible role`,
      {
        location: `models.${role}.provider`,
      },
    );
  }
  return createChatModelFromSettings(settings, { env: context.env, role }) as OpenAICompatibleModel;
}

function defaultCacheFile(loaded: LoadedConfig): string {
  return path.join(loaded.resolve(loaded.config.out), 'request-cache.sqlite');
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** One line of a batch-write requests file: a request as the model client would send it. */
const BatchRequestInput = z.object({
  messages: z.array(Message).min(1),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  seed: z.number().int().optional(),
  sampleIndex: z.number().int().nonnegative().optional(),
});

interface BatchWriteOptions {
  role: string;
  requests: string;
  out: string;
  config: string;
  cache?: string;
  nodes: number;
  maxRequests: number;
  maxBytes: number;
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a positive whole number');
  return number;
}

export function registerModelsCommand(program: Command, context: CliContext): void {
  const models = program
    .command('models')
    .description("Check each role's model, pull GGUF files, write and read batch files");

  models
    .command('check')
    .description('Send one tiny request (and one json_schema request) per role; exit 0 only when every role works')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--role <role>', 'check only this role')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { config: string; role?: string; json?: boolean }) => {
      const loaded = loadConfig(path.resolve(context.cwd, options.config));
      const checks: ModelCheck[] = [];
      for (const role of selectRoles(loaded, options.role)) {
        if (context.signal.aborted) break;
        if (!options.json) context.stderr(`checking ${role}…\n`);
        checks.push(
          await checkModel(loaded.config.models[role]!, {
            role,
            env: context.env,
            resolvePath: loaded.resolve,
            signal: context.signal,
          }),
        );
      }
      context.stdout(options.json ? `${JSON.stringify(checks, null, 2)}\n` : formatModelChecks(checks));
      if (checks.some((check) => !check.ok)) throw new ExitCode(1);
    });

  models
    .command('pull')
    .description('Download a GGUF file from the Hugging Face hub (resumable, sha256-checked)')
    .argument('<repo>', 'hub repo id, e.g. Qwen/Qwen3-0.6B-GGUF')
    .argument('<file>', 'file in the repo, e.g. Qwen3-0.6B-Q8_0.gguf')
    .option('--revision <revision>', 'branch, tag or commit', 'main')
    .option('--dir <folder>', 'cache folder (default $DELIBERATE_MODELS_DIR or ~/.cache/deliberate/models)')
    .action(async (repo: string, file: string, options: { revision: string; dir?: string }) => {
      const directory = path.resolve(
        context.cwd,
        options.dir ?? context.env.DELIBERATE_MODELS_DIR ?? path.join(homedir(), '.cache', 'deliberate', 'models'),
      );
      let lastPrint = 0;
      const result = await pullGguf({
        repo,
        file,
        revision: options.revision,
        directory,
        endpoint: context.env.HF_ENDPOINT,
        token: context.env.HF_TOKEN,
        signal: context.signal,
        onProgress: (progress) => {
          const now = Date.now();
          const done = progress.totalBytes !== null && progress.receivedBytes >= progress.totalBytes;
          if (now - lastPrint < (context.interactive ? 200 : 5_000) && !done) return;
          lastPrint = now;
          const percent =
            progress.totalBytes === null
              ? ''
              : ` (${((progress.receivedBytes / progress.totalBytes) * 100).toFixed(1)}%)`;
          const total = progress.totalBytes === null ? '' : ` of ${formatBytes(progress.totalBytes)}`;
          const line = `downloading ${file}: ${formatBytes(progress.receivedBytes)}${total}${percent}`;
          context.stderr(context.interactive ? `\r${line}` : `${line}\n`);
        },
      });
      if (context.interactive) context.stderr('\n');
      const how = result.alreadyPresent ? 'already present' : result.resumed ? 'resumed and completed' : 'downloaded';
      context.stdout(
        `${how}: ${result.path}\n  ${formatBytes(result.bytes)}, sha256 ${result.sha256} (${result.verified ? 'matches the hub' : 'the hub gave no checksum; recorded only'})\n  use it: models: { <role>: { provider: gguf, path: ${result.path} } }\n`,
      );
    });

  models
    .command('batch-write')
    .description('Write requests not yet in the cache as OpenAI Batch / vllm run-batch JSONL')
    .requiredOption('--role <role>', 'the role whose model runs the batch')
    .requiredOption('--requests <file>', 'JSONL of requests: {messages, maxTokens?, temperature?, seed?, sampleIndex?}')
    .requiredOption('-o, --out <file>', 'the batch input file to write')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--cache <file>', 'request cache (default <out folder of the config>/request-cache.sqlite)')
    .option('--nodes <n>', 'split into n equal files, one per node running vllm run-batch', wholeNumber, 1)
    .option('--max-requests <n>', 'requests per file at most (OpenAI Batch: 50000)', wholeNumber, 50_000)
    .option('--max-bytes <n>', 'bytes per file at most (OpenAI Batch: 209715200)', wholeNumber, 200 * 1024 * 1024)
    .action((options: BatchWriteOptions) => {
      const loaded = loadConfig(path.resolve(context.cwd, options.config));
      const model = openAICompatibleRole(loaded, options.role, context);
      const defaults = generateOptionsFromSettings(loaded.config.models[options.role]!).defaults ?? {};
      const requests = readJsonl(path.resolve(context.cwd, options.requests), BatchRequestInput).map((request) => ({
        ...request,
        maxTokens: request.maxTokens ?? defaults.maxTokens,
        temperature: request.temperature ?? defaults.temperature,
        topP: request.topP ?? defaults.topP,
      }));
      const cache = openRequestCache(
        options.cache ? path.resolve(context.cwd, options.cache) : defaultCacheFile(loaded),
      );
      try {
        const result = writeBatchFile({
          model,
          requests,
          file: path.resolve(context.cwd, options.out),
          cache,
          parts: options.nodes,
          maxRequests: options.maxRequests,
          maxBytes: options.maxBytes,
        });
        const files = result.files.map((file) => path.relative(context.cwd, file) || file);
        const first = files[0]!;
        context.stdout(
          `wrote ${result.written} requests to ${files.length === 1 ? first : `${files.length} files (${files.join(', ')})`} (${result.skipped} already cached, ${result.duplicates} duplicates)\n  run: vllm run-batch -i ${first} -o results.jsonl --model ${model.modelName}   (${files.length > 1 ? 'one file per node; ' : ''}or upload to the OpenAI Batch API)\n  then: npx deliberate models batch-read results.jsonl --role ${options.role}${files.length > 1 ? '   (once per result file)' : ''}\n`,
        );
      } finally {
        cache.close();
      }
    });

  models
    .command('batch-read')
    .description('Read a batch result file (OpenAI Batch output format) into the request cache')
    .argument('<results>', 'the batch output JSONL')
    .requiredOption('--role <role>', 'the role whose model ran the batch')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--cache <file>', 'request cache (default <out folder of the config>/request-cache.sqlite)')
    .action((results: string, options: { role: string; config: string; cache?: string }) => {
      const loaded = loadConfig(path.resolve(context.cwd, options.config));
      const model = openAICompatibleRole(loaded, options.role, context);
      const cache = openRequestCache(
        options.cache ? path.resolve(context.cwd, options.cache) : defaultCacheFile(loaded),
      );
      try {
        const result = readBatchResults({ model, file: path.resolve(context.cwd, results), cache });
        context.stdout(
          `stored ${result.stored} results in ${cache.file}; ${result.failed.length} failed (they run live next time)${result.foreign > 0 ? `; ${result.foreign} lines not written by deliberate were skipped` : ''}\n`,
        );
        for (const failure of result.failed.slice(0, 10))
          context.stdout(`  ✖ ${failure.location}: ${failure.message}\n`);
      } finally {
        cache.close();
      }
    });
}
