import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullGguf } from './pull-gguf.js';

const content = randomBytes(300_000);
const sha = createHash('sha256').update(content).digest('hex');
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/**
 * A local stand-in for the hub's resolve URL: HEAD with x-linked-etag, GET with Range. With `breakFirstDownloadAt`,
 * the first download sends that many bytes and breaks off only when the test calls `breakFirstDownload()` — after the
 * client reported (onProgress, sent once a chunk is on disk) that it has them all. Breaking off on a timer instead
 * raced the client: under load the bytes and the close arrived together and nothing was kept.
 */
async function startHub(options: { breakFirstDownloadAt?: number; etag?: string }) {
  const ranges: Array<string | undefined> = [];
  let downloads = 0;
  let breakFirstDownload = () => {};
  const firstDownloadBroken = new Promise<void>((resolve) => {
    breakFirstDownload = resolve;
  });
  server = createServer((request, response) => {
    if (!request.url?.startsWith('/owner/tiny-GGUF/resolve/main/tiny.gguf')) {
      response.writeHead(404).end();
      return;
    }
    if (request.method === 'HEAD') {
      response.writeHead(200, { 'x-linked-etag': `"${options.etag ?? sha}"`, 'x-linked-size': String(content.length) });
      response.end();
      return;
    }
    downloads += 1;
    ranges.push(request.headers.range);
    const start = Number(request.headers.range?.match(/bytes=(\d+)-/)?.[1] ?? 0);
    const body = content.subarray(start);
    response.writeHead(start > 0 ? 206 : 200, { 'content-length': String(body.length) });
    if (downloads === 1 && options.breakFirstDownloadAt) {
      response.write(body.subarray(0, options.breakFirstDownloadAt));
      void firstDownloadBroken.then(() => request.socket.destroy());
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ranges, breakFirstDownload };
}

describe('pullGguf', () => {
  it('resumes an interrupted download with a Range request, verifies sha256 and writes a sidecar', async () => {
    const breakAt = 100_000;
    const hub = await startHub({ breakFirstDownloadAt: breakAt });
    const directory = mkdtempSync(path.join(tmpdir(), 'deliberate-pull-'));
    const options = { repo: 'owner/tiny-GGUF', file: 'tiny.gguf', directory, endpoint: hub.endpoint };
    const interrupted = pullGguf({
      ...options,
      onProgress: (event) => {
        if (event.receivedBytes >= breakAt) hub.breakFirstDownload();
      },
    });
    await expect(interrupted).rejects.toThrow(/broke off|incomplete/);
    const partial = path.join(directory, 'owner--tiny-GGUF', 'main', 'tiny.gguf.partial');
    const kept = statSync(partial).size;
    expect(kept).toBe(breakAt);
    const progress: number[] = [];
    const result = await pullGguf({ ...options, onProgress: (event) => progress.push(event.receivedBytes) });
    expect(result).toMatchObject({ sha256: sha, bytes: content.length, verified: true, resumed: true });
    expect(hub.ranges.at(-1)).toBe(`bytes=${kept}-`);
    expect(progress.at(-1)).toBe(content.length);
    expect(readFileSync(result.path).equals(content)).toBe(true);
    expect(existsSync(partial)).toBe(false);
    expect(readFileSync(`${result.path}.sha256`, 'utf8')).toBe(`${sha}  tiny.gguf\n`);
    const again = await pullGguf(options);
    expect(again).toMatchObject({ alreadyPresent: true, sha256: sha });
  });

  it('rejects a checksum mismatch and deletes the bad download', async () => {
    const hub = await startHub({ etag: 'a'.repeat(64) });
    const directory = mkdtempSync(path.join(tmpdir(), 'deliberate-pull-'));
    await expect(
      pullGguf({ repo: 'owner/tiny-GGUF', file: 'tiny.gguf', directory, endpoint: hub.endpoint }),
    ).rejects.toThrow(/checksum mismatch/);
    expect(existsSync(path.join(directory, 'owner--tiny-GGUF', 'main', 'tiny.gguf'))).toBe(false);
  });

  it('names the fix for a missing file', async () => {
    const hub = await startHub({});
    const directory = mkdtempSync(path.join(tmpdir(), 'deliberate-pull-'));
    writeFileSync(path.join(directory, 'x'), '');
    await expect(
      pullGguf({ repo: 'owner/tiny-GGUF', file: 'missing.gguf', directory, endpoint: hub.endpoint }),
    ).rejects.toMatchObject({ hint: expect.stringMatching(/file name/) });
  });
});
