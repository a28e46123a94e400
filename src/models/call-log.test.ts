import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCallLog } from './call-log.js';
import type { GenerateOutcome } from './outcome.js';

const request = { messages: [{ role: 'user' as const, content: 'Hi' }] };
const usage = { promptTokens: 1, completionTokens: 1, reasoningTokens: 0, cachedTokens: 0 };
const failed: GenerateOutcome = { ok: false, kind: 'no-answer', message: 'empty', attempts: 1, cached: false };

describe('call log', () => {
  it('counts every call at once and writes the lines in batches of 64, the rest at close', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'call-log-')), 'logs', 'calls.jsonl');
    const log = createCallLog({ modelId: 'm', callLogFile: file, price: { inputPerMillion: 1, outputPerMillion: 2 } });
    for (let index = 0; index < 63; index++) log.record(request, failed, 5, usage);
    expect(log.stats.calls).toBe(63);
    expect(log.stats.outcomes['no-answer']).toBe(63);
    expect(existsSync(file)).toBe(false);
    log.record(request, failed, 5, usage);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(64);
    log.record(request, failed, 5, usage);
    log.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(65);
    expect(JSON.parse(lines[0]!)).toMatchObject({ modelId: 'm', outcome: 'no-answer', message: 'empty', attempts: 1 });
    expect(JSON.parse(lines[0]!).messages).toBeUndefined();
  });
});
