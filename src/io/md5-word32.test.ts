import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Word32 } from './md5-word32.js';

const nodeMd5Word32 = (text: string) => createHash('md5').update(text).digest().readUInt32LE(0);

describe('md5Word32', () => {
  it('equals the first four digest bytes of node:crypto md5 (RFC 1321 vectors, padding edges, UTF-8)', () => {
    const texts = [
      '',
      'a',
      'abc',
      'message digest',
      'lock3 key17 door9 house0 safe44',
      'é',
      '日本語のテキスト',
      '👍🏽 ok',
    ];
    for (const length of [55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 5000]) texts.push('x'.repeat(length));
    texts.push('ü'.repeat(28), 'ü'.repeat(32), '\ud800 lone surrogate');
    for (const text of texts) expect(md5Word32(text), JSON.stringify(text)).toBe(nodeMd5Word32(text));
    expect(md5Word32('abc')).toBe(0x98500190); // digest 900150983cd24fb0…, its first four bytes little-endian
  });

  it('equals node:crypto md5 on 5,000 pseudo-random strings of mixed scripts', () => {
    let state = 1;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    const alphabet = 'abcdefghij klmnopqrstuvwxyz0123456789 äöüßéñ中文字 😀';
    for (let round = 0; round < 5000; round++) {
      const chars = Array.from(alphabet);
      const text = Array.from({ length: next() % 150 }, () => chars[next() % chars.length]).join('');
      expect(md5Word32(text)).toBe(nodeMd5Word32(text));
    }
  });
});
