import { describe, expect, it } from 'vitest';
import type { RoleUnavailableError } from '../errors.js';
import type { ModelClient } from './model-client.js';
import type { GenerateOutcome } from './outcome.js';
import { checkRoleFailures, watchRoleCalls } from './role-call-ledger.js';

const success: GenerateOutcome = {
  ok: true,
  result: {
    reasoning: null,
    answer: 'ok',
    reasoningSource: 'none',
    finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1, reasoningTokens: 0, cachedPromptTokens: 0 },
    latencyMs: 1,
    warnings: [],
  },
  object: undefined,
  cached: false,
  attempts: 1,
} as unknown as GenerateOutcome;
const transport: GenerateOutcome = {
  ok: false,
  kind: 'transport-failure',
  message: 'HTTP 401 from http://x/v1: Incorrect API key provided: sk-abcdefghijklmnop',
  status: 401,
  attempts: 1,
  cached: false,
};

function clientReplying(outcomes: GenerateOutcome[]): ModelClient {
  let index = 0;
  const next = async () => outcomes[Math.min(index++, outcomes.length - 1)]!;
  return {
    id: 'openai-compatible:m',
    model: { id: 'openai-compatible:m', cacheIdentity: 'm', doGenerate: async () => ({}) as never },
    generate: next,
    generateObject: next as ModelClient['generateObject'],
  } as ModelClient;
}

describe('watchRoleCalls', () => {
  it('trips once after streakLimit transport failures in a row; any answer resets the streak', async () => {
    const tripped: RoleUnavailableError[] = [];
    const watched = watchRoleCalls(clientReplying([transport, transport, success, transport, transport, transport]), {
      role: 'teacher',
      url: 'http://x/v1',
      streakLimit: 3,
      onStreak: (error) => tripped.push(error),
    });
    for (let call = 0; call < 5; call++) await watched.client.generate({ messages: [] });
    expect(tripped).toHaveLength(0);
    await watched.client.generate({ messages: [] });
    await watched.client.generate({ messages: [] });
    expect(tripped).toHaveLength(1);
    expect(tripped[0]!.message).toContain('stopped after 3 transport failures in a row from role "teacher"');
    expect(tripped[0]!.message).not.toContain('sk-abcdefghijklmnop');
    expect(tripped[0]!.hint).toContain('deliberate models check --role teacher');
    expect(watched.ledger()).toMatchObject({ calls: 7, successes: 1, failures: { 'transport-failure': 6 } });
  });

  it('ignores cancelled calls', async () => {
    const cancelled: GenerateOutcome = { ok: false, kind: 'cancelled', message: 'x', attempts: 0, cached: false };
    const watched = watchRoleCalls(clientReplying([cancelled]), { role: 'judge', url: 'u' });
    await watched.client.generateObject({ messages: [] }, undefined as never, 'v');
    expect(watched.ledger().calls).toBe(0);
  });
});

describe('checkRoleFailures', () => {
  const ledger = (successes: number, transportFailures: number, other = 0) => ({
    role: 'teacher',
    modelId: 'm',
    url: 'u',
    calls: successes + transportFailures + other,
    successes,
    failures: {
      ...(transportFailures ? { 'transport-failure': transportFailures } : {}),
      ...(other ? { 'no-answer': other } : {}),
    },
    firstFailure: null,
    streak: 0,
  });

  it('every call failed is an error, of any kind', () => {
    expect(checkRoleFailures(ledger(0, 4), 0)?.message).toContain('every call of role "teacher" failed');
    expect(checkRoleFailures(ledger(0, 0, 4), 1)?.message).toContain('every call of role "teacher" failed');
  });

  it('transport failures above the allowed fraction of the planned calls are an error', () => {
    expect(checkRoleFailures(ledger(9, 1), 0)?.message).toContain('1 of 10 calls of role "teacher" failed');
    expect(checkRoleFailures(ledger(9, 1), 0.1)).toBeNull();
    // A resumed run retrying only its failed units: measured against the stage's planned calls.
    expect(checkRoleFailures(ledger(0, 2), 0.5, 8)).toBeNull();
    expect(checkRoleFailures(ledger(0, 0), 0)).toBeNull();
  });
});
