/**
 * @module models/pull-gguf
 * Downloads a GGUF file from a Hugging Face-style hub into a cache folder: progress, resume (HTTP Range on a
 * `.partial` file), and a sha256 checked against the hub's LFS hash (`x-linked-etag`) and recorded in a sidecar
 * `<file>.sha256` (sha256sum format).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackendError, CancelledError, DataError } from '../errors.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';

export interface PullProgress {
  receivedBytes: number;
  /** null when the server did not say. */
  totalBytes: number | null;
  /** Bytes already on disk from an earlier, interrupted download. */
  resumedFromBytes: number;
}

export interface PullGgufOptions {
  /** e.g. `Qwen/Qwen3-0.6B-GGUF` */
  repo: string;
  /** File inside the repo, e.g. `Qwen3-0.6B-Q8_0.gguf` */
  file: string;
  revision?: string;
  /** Cache folder; the file lands in `<directory>/<owner>--<name>/<revision>/<file>`. */
  directory: string;
  /** Hub base URL (default https://huggingface.co; the CLI reads HF_ENDPOINT). */
  endpoint?: string;
  /** Hub token for gated repos (the CLI reads HF_TOKEN); sent as a Bearer header, stored nowhere. */
  token?: string;
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
  fetch?: typeof fetch;
}

export interface PullGgufResult {
  path: string;
  sha256: string;
  bytes: number;
  /** true when the hub gave a sha256 and it matched. */
  verified: boolean;
  /** true when an earlier partial download was continued. */
  resumed: boolean;
  /** true when the file was already complete in the cache (nothing downloaded). */
  alreadyPresent: boolean;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Writes the body to the partial file chunk by chunk, each chunk on disk before the next is read and before its
 * progress is reported: a download that breaks off keeps every byte it reported. Returns the bytes received in all.
 */
async function appendBody(
  body: ReadableStream<Uint8Array>,
  partial: string,
  start: { resumed: boolean; received: number },
  onChunk: (receivedBytes: number) => void,
): Promise<number> {
  let received = start.received;
  const file = await open(partial, start.resumed ? 'a' : 'w');
  try {
    for await (const chunk of Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      await file.write(chunk as Buffer);
      received += (chunk as Buffer).length;
      onChunk(received);
    }
    return received;
  } catch (error) {
    throw Object.assign(error as Error, { receivedBytes: received });
  } finally {
    await file.close();
  }
}

/** Downloads (or resumes) one GGUF file; safe to run again after an interruption. */
export async function pullGguf(options: PullGgufOptions): Promise<PullGgufResult> {
  const revision = options.revision ?? 'main';
  const endpoint = (options.endpoint ?? 'https://huggingface.co').replace(/\/+$/, '');
  const fetchFunction = options.fetch ?? fetch;
  if (!/^[\w.-]+\/[\w.-]+$/.test(options.repo)) {
    throw new DataError(`not a Hugging Face repo id: "${options.repo}"`, { hint: 'write it as owner/name' });
  }
  const target = path.join(options.directory, options.repo.replace('/', '--'), revision, options.file);
  const partial = `${target}.partial`;
  const sidecar = `${target}.sha256`;
  if (existsSync(target) && existsSync(sidecar)) {
    const sha256 = readFileSync(sidecar, 'utf8').split(/\s+/)[0]!;
    return { path: target, sha256, bytes: statSync(target).size, verified: true, resumed: false, alreadyPresent: true };
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const url = `${endpoint}/${options.repo}/resolve/${encodeURIComponent(revision)}/${options.file.split('/').map(encodeURIComponent).join('/')}`;
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  // HEAD without following redirects: the hub puts the LFS sha256 and size on the first response.
  let expectedSha: string | undefined;
  let expectedSize: number | undefined;
  try {
    const head = await fetchFunction(url, { method: 'HEAD', headers, redirect: 'manual', signal: options.signal });
    const etag = head.headers.get('x-linked-etag') ?? head.headers.get('etag');
    const match = etag?.match(/([a-f0-9]{64})/i);
    if (match) expectedSha = match[1]!.toLowerCase();
    const size = Number(head.headers.get('x-linked-size') ?? Number.NaN);
    if (Number.isFinite(size)) expectedSize = size;
    if (head.status === 401 || head.status === 403) {
      throw new BackendError(`the hub refused ${url} (HTTP ${head.status})`, {
        hint: 'the repo may be gated: accept its licence on the hub and set HF_TOKEN',
      });
    }
    if (head.status === 404) {
      throw new BackendError(`not found on the hub: ${url}`, {
        hint: 'check the repo id, the file name and --revision',
      });
    }
  } catch (error) {
    if (error instanceof BackendError) throw error;
    if (options.signal?.aborted) throw new CancelledError();
    throw new BackendError(`cannot reach the hub at ${endpoint}: ${(error as Error).message}`, {
      hint: 'check the network, or set HF_ENDPOINT to a reachable mirror',
      cause: error,
    });
  }

  const resumedFromBytes = existsSync(partial) ? statSync(partial).size : 0;
  let received = resumedFromBytes;
  let total: number | null = expectedSize ?? null;
  let resumed = false;
  if (!(expectedSize !== undefined && resumedFromBytes === expectedSize)) {
    const rangeHeaders = resumedFromBytes > 0 ? { ...headers, range: `bytes=${resumedFromBytes}-` } : headers;
    let response: Response;
    try {
      response = await fetchFunction(url, { headers: rangeHeaders, signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError();
      throw new BackendError(`download of ${url} failed: ${(error as Error).message}`, {
        hint: 'run the same command again to resume',
        cause: error,
      });
    }
    if (response.status === 416 && resumedFromBytes > 0) {
      // The partial file is already complete.
      await response.body?.cancel();
    } else {
      if (!response.ok || !response.body) {
        throw new BackendError(`download of ${url} failed: HTTP ${response.status}`, {
          hint:
            response.status === 404 ? 'check the repo id, the file name and --revision' : 'run the same command again',
        });
      }
      resumed = response.status === 206 && resumedFromBytes > 0;
      if (!resumed) received = 0;
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (total === null && Number.isFinite(length)) total = length + (resumed ? resumedFromBytes : 0);
      try {
        received = await appendBody(response.body, partial, { resumed, received }, (receivedBytes) =>
          options.onProgress?.({ receivedBytes, totalBytes: total, resumedFromBytes: resumed ? resumedFromBytes : 0 }),
        );
      } catch (error) {
        if (options.signal?.aborted) throw new CancelledError();
        const failure = error as Error & { receivedBytes?: number };
        throw new BackendError(
          `download of ${url} broke off after ${failure.receivedBytes ?? received} bytes: ${failure.message}`,
          {
            hint: 'run the same command again to resume from there',
            cause: error,
          },
        );
      }
    }
  }
  const bytes = statSync(partial).size;
  if (expectedSize !== undefined && bytes !== expectedSize) {
    throw new BackendError(`download of ${url} is incomplete: ${bytes} of ${expectedSize} bytes`, {
      hint: 'run the same command again to resume',
    });
  }
  const sha256 = await sha256OfFile(partial);
  if (expectedSha && sha256 !== expectedSha) {
    rmSync(partial, { force: true });
    throw new DataError(`checksum mismatch for ${options.file}: got sha256 ${sha256}, the hub says ${expectedSha}`, {
      location: target,
      hint: 'the partial download was deleted; run the same command again to download it afresh',
    });
  }
  renameSync(partial, target);
  writeFileAtomic(sidecar, `${sha256}  ${options.file}\n`);
  return { path: target, sha256, bytes, verified: expectedSha !== undefined, resumed, alreadyPresent: false };
}
