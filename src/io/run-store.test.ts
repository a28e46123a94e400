import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { openRunStore } from './run-store.js';

const folder = mkdtempSync(path.join(tmpdir(), 'run-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('openRunStore', () => {
  it('stores units per stage, keeps insertion order, replaces by key, and survives a reopen', () => {
    const file = path.join(folder, 'nested', 'run.sqlite');
    const store = openRunStore(file);
    store.put('generate', 'b', { n: 1 });
    store.put('generate', 'a', { n: 2 });
    store.put('judge', 'a', { n: 3 });
    store.put('generate', 'b', { n: 4 });
    expect(store.get('generate', 'b')).toEqual({ n: 4 });
    expect(store.get('generate', 'missing')).toBeUndefined();
    expect(store.list('generate')).toEqual([
      { key: 'b', value: { n: 4 } },
      { key: 'a', value: { n: 2 } },
    ]);
    store.close();
    const reopened = openRunStore(file);
    expect(reopened.count('generate')).toBe(2);
    expect(reopened.count('judge')).toBe(1);
    reopened.clear('generate');
    expect(reopened.count('generate')).toBe(0);
    reopened.close();
  });

  it('read runs its body in one transaction: one snapshot for all its reads, whatever another connection writes', () => {
    const file = path.join(folder, 'read', 'run.sqlite');
    const store = openRunStore(file);
    const writer = openRunStore(file);
    store.put('generate', 'a', { n: 1 });
    const seen = store.read(() => {
      const first = store.get('generate', 'a');
      writer.put('generate', 'b', { n: 2 });
      return [first, store.get('generate', 'b'), store.read(() => store.count('generate'))];
    });
    expect(seen).toEqual([{ n: 1 }, undefined, 1]);
    expect(store.get('generate', 'b')).toEqual({ n: 2 });
    expect(() =>
      store.read(() => {
        throw new Error('stop');
      }),
    ).toThrow('stop');
    store.put('generate', 'c', { n: 3 });
    expect(writer.count('generate')).toBe(3);
    writer.close();
    store.close();
  });

  it('commit writes the units of one turn in one transaction, resolves once another connection reads them, and close writes what is queued', async () => {
    const file = path.join(folder, 'commit', 'run.sqlite');
    const store = openRunStore(file);
    const reader = openRunStore(file);
    const committed = Promise.all([store.commit('generate', 'a', { n: 1 }), store.commit('generate', 'b', { n: 2 })]);
    expect(reader.count('generate')).toBe(0);
    await committed;
    expect(reader.list('generate')).toEqual([
      { key: 'a', value: { n: 1 } },
      { key: 'b', value: { n: 2 } },
    ]);
    const queued = store.commit('judge', 'c', { n: 3 });
    store.close();
    await queued;
    expect(reader.get('judge', 'c')).toEqual({ n: 3 });
    reader.close();
  });

  it('a path under an existing file is a DataError naming the store, not a raw EEXIST/ENOTDIR', () => {
    const file = path.join(folder, 'a-file');
    writeFileSync(file, 'x');
    expect(() => openRunStore(path.join(file, 'nested', 'run.sqlite'))).toThrow(DataError);
    expect(() => openRunStore(path.join(file, 'nested', 'run.sqlite'))).toThrow(/cannot open the run store/);
  });
});
