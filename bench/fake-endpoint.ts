/**
 * A fake OpenAI-compatible endpoint in its own process, so its CPU is not counted as deliberate's: the deterministic
 * teacher and judge of the pipeline tests, a fixed latency, optional faults, and the request bodies written to a file
 * on exit (what the bare-fetch baseline replays). Started by the benches through `startEndpointProcess`.
 *
 *   tsx bench/fake-endpoint.ts --latency 200 [--faults 0.2] [--bodies file.jsonl] [--plain]
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { stableHash } from '../src/io/stable-hash.js';
import { pipelineHandler } from '../test/e2e/pipeline-fixture.js';
import { type FakeReply, startFakeOpenAIServer } from '../test/helpers/fake-openai-server.js';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '0' },
    faults: { type: 'string', default: '0' },
    bodies: { type: 'string' },
    /** A file of `<body hash> <time the answer is sent, ms>` lines: which requests were answered, and when. */
    answers: { type: 'string' },
    plain: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
  },
});
const latencyMs = Number(values.latency);
const faultShare = Number(values.faults);
let state = Number(values.seed) >>> 0 || 1;
const random = () => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 2 ** 32;
};

/** One of the five faults, in turn: 429 with Retry-After, 500, a reset connection, a stall, a truncated body. */
function fault(index: number): FakeReply {
  switch (index % 5) {
    case 0:
      return { kind: 'status', status: 429, headers: { 'retry-after': '0.05' } };
    case 1:
      return { kind: 'status', status: 500 };
    case 2:
      return { kind: 'reset' };
    case 3:
      return { kind: 'stall' };
    default:
      return { kind: 'raw', body: '{"id":"x","object":"chat.completion","choices":[{"index":0,"mess' };
  }
}

const bodies = values.bodies ? createWriteStream(values.bodies) : undefined;
const answers = values.answers ? createWriteStream(values.answers, { flags: 'a' }) : undefined;
let faults = 0;
const server = await startFakeOpenAIServer(async (body, index) => {
  // Bodies go to the file, not the server's memory: the recorded list is emptied as it grows.
  bodies?.write(`${JSON.stringify(body)}\n`);
  if (index % 1000 === 999) server.requests.length = 0;
  if (faultShare > 0 && random() < faultShare) return fault(faults++);
  const reply = values.plain
    ? { reasoning_content: 'Plain reasoning about the question.', content: `Answer ${index}.` }
    : pipelineHandler(body);
  answers?.write(`${stableHash(body)} ${Date.now() + latencyMs} ${body.model} ${body.seed ?? ''}\n`);
  if (latencyMs > 0 && (reply.kind === undefined || reply.kind === 'message')) return { ...reply, delayMs: latencyMs };
  return reply;
});
process.stdout.write(`${server.baseUrl}\n`);
const stop = async () => {
  await server.close();
  await new Promise<void>((resolve) => (bodies ? bodies.end(resolve) : resolve()));
  await new Promise<void>((resolve) => (answers ? answers.end(resolve) : resolve()));
  process.stdout.write(`faults ${faults}\n`);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
