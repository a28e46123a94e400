/**
 * Writes a tiny deterministic random-weight llama GGUF (v3, F32) for tests: no model hub is reachable, so tests
 * make their own model. It loads in node-llama-cpp, tokenizes, generates noise,
 * and a JSON-schema grammar still forces valid JSON out of it.
 */
import { writeFileSync } from 'node:fs';

export interface TinyGgufOptions {
  embeddingLength?: number;
  headCount?: number;
  headCountKv?: number;
  feedForwardLength?: number;
  blockCount?: number;
  contextLength?: number;
  seed?: number;
}

type Value =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string-array'; value: string[] }
  | { type: 'f32-array'; value: number[] }
  | { type: 'i32-array'; value: number[] };

const valueType = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const alignment = 32;

class GgufWriter {
  private readonly parts: Buffer[] = [];
  length = 0;

  bytes(buffer: Buffer) {
    this.parts.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number) {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.bytes(buffer);
  }
  i32(value: number) {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    this.bytes(buffer);
  }
  f32(value: number) {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.bytes(buffer);
  }
  u64(value: number) {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.bytes(buffer);
  }
  string(text: string) {
    const buffer = Buffer.from(text, 'utf8');
    this.u64(buffer.length);
    this.bytes(buffer);
  }
  pad() {
    const padding = (alignment - (this.length % alignment)) % alignment;
    if (padding > 0) this.bytes(Buffer.alloc(padding));
  }
  value(entry: Value) {
    switch (entry.type) {
      case 'u32':
        this.u32(valueType.u32);
        return this.u32(entry.value);
      case 'f32':
        this.u32(valueType.f32);
        return this.f32(entry.value);
      case 'bool':
        this.u32(valueType.bool);
        return this.bytes(Buffer.from([entry.value ? 1 : 0]));
      case 'string':
        this.u32(valueType.string);
        return this.string(entry.value);
      case 'string-array':
        this.u32(valueType.array);
        this.u32(valueType.string);
        this.u64(entry.value.length);
        for (const item of entry.value) this.string(item);
        return;
      case 'f32-array':
        this.u32(valueType.array);
        this.u32(valueType.f32);
        this.u64(entry.value.length);
        for (const item of entry.value) this.f32(item);
        return;
      case 'i32-array':
        this.u32(valueType.array);
        this.u32(valueType.i32);
        this.u64(entry.value.length);
        for (const item of entry.value) this.i32(item);
        return;
    }
  }
  result(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Writes the tiny model to `file`; returns its size in bytes. About 460 KB with the defaults. */
export function writeTinyGguf(file: string, options: TinyGgufOptions = {}): number {
  const embedding = options.embeddingLength ?? 64;
  const heads = options.headCount ?? 4;
  const headsKv = options.headCountKv ?? 2;
  const feedForward = options.feedForwardLength ?? 128;
  const blocks = options.blockCount ?? 2;
  const words = ['▁', ...'abcdefghijklmnopqrstuvwxyz.,!?{}":', '▁the', '▁answer', '▁is', '▁safe', '▁Hello', '▁world'];
  const byteTokens = Array.from(
    { length: 256 },
    (_, index) => `<0x${index.toString(16).toUpperCase().padStart(2, '0')}>`,
  );
  // SentencePiece needs all 256 byte tokens for byte fallback.
  const tokens = ['<unk>', '<s>', '</s>', ...byteTokens, ...words];
  const tokenTypes = tokens.map((_, index) => (index === 0 ? 2 : index < 3 ? 3 : index < 259 ? 6 : 1));
  const scores = tokens.map((token, index) => (index < 259 ? 0 : -1000 + token.length * 10 - index * 0.01));
  const kvDimension = (embedding / heads) * headsKv;
  const metadata: Array<[string, Value]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'tiny-random-llama' }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['llama.context_length', { type: 'u32', value: options.contextLength ?? 2048 }],
    ['llama.embedding_length', { type: 'u32', value: embedding }],
    ['llama.block_count', { type: 'u32', value: blocks }],
    ['llama.feed_forward_length', { type: 'u32', value: feedForward }],
    ['llama.attention.head_count', { type: 'u32', value: heads }],
    ['llama.attention.head_count_kv', { type: 'u32', value: headsKv }],
    ['llama.rope.dimension_count', { type: 'u32', value: embedding / heads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: tokens.length }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string-array', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'f32-array', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'i32-array', value: tokenTypes }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
  ];
  // Dimensions in ggml order: row width first.
  const tensors: Array<[string, number[]]> = [
    ['token_embd.weight', [embedding, tokens.length]],
    ['output_norm.weight', [embedding]],
    ['output.weight', [embedding, tokens.length]],
  ];
  for (let block = 0; block < blocks; block++) {
    const prefix = `blk.${block}.`;
    tensors.push(
      [`${prefix}attn_norm.weight`, [embedding]],
      [`${prefix}attn_q.weight`, [embedding, embedding]],
      [`${prefix}attn_k.weight`, [embedding, kvDimension]],
      [`${prefix}attn_v.weight`, [embedding, kvDimension]],
      [`${prefix}attn_output.weight`, [embedding, embedding]],
      [`${prefix}ffn_norm.weight`, [embedding]],
      [`${prefix}ffn_gate.weight`, [embedding, feedForward]],
      [`${prefix}ffn_down.weight`, [feedForward, embedding]],
      [`${prefix}ffn_up.weight`, [embedding, feedForward]],
    );
  }
  const writer = new GgufWriter();
  writer.bytes(Buffer.from('GGUF'));
  writer.u32(3);
  writer.u64(tensors.length);
  writer.u64(metadata.length);
  for (const [key, value] of metadata) {
    writer.string(key);
    writer.value(value);
  }
  const elements = (dimensions: number[]) => dimensions.reduce((product, dimension) => product * dimension, 1);
  let offset = 0;
  for (const [name, dimensions] of tensors) {
    writer.string(name);
    writer.u32(dimensions.length);
    for (const dimension of dimensions) writer.u64(dimension);
    writer.u32(0); // GGML_TYPE_F32
    writer.u64(offset); // relative to the data section
    offset = Math.ceil((offset + elements(dimensions) * 4) / alignment) * alignment;
  }
  writer.pad();
  let state = (options.seed ?? 42) >>> 0;
  const noise = () => {
    state = (state * 1664525 + 1013904223) >>> 0; // LCG: deterministic
    return (state / 2 ** 32 - 0.5) * 0.2;
  };
  for (const [name, dimensions] of tensors) {
    const values = new Float32Array(elements(dimensions));
    for (let index = 0; index < values.length; index++) values[index] = name.endsWith('norm.weight') ? 1 : noise();
    writer.bytes(Buffer.from(values.buffer));
    writer.pad();
  }
  writeFileSync(file, writer.result());
  return writer.length;
}
