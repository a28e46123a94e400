/**
 * @module cli/guard-eval-targets
 * `deliberate eval --targets guard:<role>`: the role behind the guard as an eval arm. A guard is started in-process
 * on loopback (an ephemeral port, the `guard:` settings of deliberate.yaml, its audit log in the eval out folder)
 * and the arm calls it over HTTP like any OpenAI-compatible model, so the numbers are those of the guarded model.
 */
import path from 'node:path';
import type { EvalTarget } from '../evals/run-eval.js';
import type { LoadedConfig } from '../io/load-config.js';
import { generateOptionsFromSettings } from '../models/create-model-client-from-settings.js';
import { createModelClient } from '../models/generate.js';
import type { ModelClient } from '../models/model-client.js';
import { createOpenAICompatibleModel } from '../models/openai-compatible-model.js';
import { startGuardServer } from '../servers/guard/create-guard-app.js';
import { guardFromConfig } from './guard-from-config.js';

export const guardTargetPrefix = 'guard:';

export interface GuardTargets {
  targets: EvalTarget[];
  close(): Promise<void>;
}

/** Starts one guard per `guard:<role>` target; close() stops them and their clients. */
export async function startGuardTargets(input: {
  loaded: LoadedConfig;
  env: Record<string, string | undefined>;
  targets: ReadonlyArray<{ name: string; role: string }>;
  outDir: string;
}): Promise<GuardTargets> {
  const stops: Array<() => Promise<void>> = [];
  const targets: EvalTarget[] = [];
  try {
    for (const target of input.targets) {
      const { options, clients } = await guardFromConfig({
        loaded: input.loaded,
        env: input.env,
        upstream: target.role,
        upstreamSetting: '--targets',
      });
      const auditFile = path.join(input.outDir, `guard-audit-${target.role}.jsonl`);
      const server = await startGuardServer({ ...options, auditFile, port: 0, tokenSource: 'no token (loopback)' });
      stops.push(async () => {
        await server.close();
        for (const client of clients) await client.close?.();
      });
      const settings = input.loaded.config.models[target.role]!;
      const model = createOpenAICompatibleModel({ baseUrl: `${server.url}/v1`, model: server.guard.modelName });
      const client: ModelClient = createModelClient(model, { ...generateOptionsFromSettings(settings), maxRetries: 0 });
      targets.push({ name: target.name, role: target.role, client, specInContext: false });
    }
  } catch (error) {
    for (const stop of stops) await stop();
    throw error;
  }
  return {
    targets,
    async close() {
      for (const stop of stops) await stop();
    },
  };
}
