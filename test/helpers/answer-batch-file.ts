/**
 * A fake batch job for tests: answers every line of an OpenAI Batch / `vllm run-batch` request file with a test's
 * fake-server handler and writes the output file in the OpenAI Batch output format, as the real runners do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type ChatRequestBody, type FakeReply, fakeCompletionBody } from './fake-openai-server.js';

export interface AnswerBatchOptions {
  /** Lines (0-based) to answer with this failure instead: the shape vLLM writes for a failed request. */
  fail?: (customId: string, index: number) => { status: number; message: string } | undefined;
}

/** Reads `requestFile`, answers each body with `handler`, writes `resultFile` (in reverse order: joins are by id). */
export async function answerBatchFile(
  requestFile: string,
  resultFile: string,
  handler: (body: ChatRequestBody) => FakeReply,
  options: AnswerBatchOptions = {},
): Promise<number> {
  const lines = readFileSync(requestFile, 'utf8').trim().split('\n').filter(Boolean);
  const results = lines.map((text, index) => {
    const line = JSON.parse(text) as { custom_id: string; url: string; body: ChatRequestBody };
    const failure = options.fail?.(line.custom_id, index);
    if (failure) {
      return {
        id: `vllm-${index}`,
        custom_id: line.custom_id,
        response: { status_code: failure.status, request_id: `vllm-batch-${index}`, body: null },
        error: { error: { message: failure.message, type: 'BadRequestError', code: failure.status } },
      };
    }
    const reply = handler(line.body);
    if (reply.kind !== undefined && reply.kind !== 'message')
      throw new Error(`a batch job answers messages only, got ${reply.kind}`);
    return {
      id: `batch_req_${index}`,
      custom_id: line.custom_id,
      response: { status_code: 200, request_id: `req_${index}`, body: fakeCompletionBody(line.body, reply) },
      error: null,
    };
  });
  writeFileSync(
    resultFile,
    results
      .reverse()
      .map((result) => `${JSON.stringify(result)}\n`)
      .join(''),
  );
  return results.length;
}
