import { describe, expect, it } from 'vitest';
import { mixHash32 } from './string-hash32.js';
import { createUint32Multimap, primeAtLeast } from './uint32-multimap.js';

const valuesOf = (map: ReturnType<typeof createUint32Multimap>, key: number) => {
  const values: number[] = [];
  map.forEachValue(key, (value) => values.push(value));
  return values;
};

describe('createUint32Multimap', () => {
  it('gives every value of a key in the order added, and none of another key (32-bit keys), across growth', () => {
    const map = createUint32Multimap({ capacity: 16 });
    for (let index = 0; index < 20_000; index++) map.add(mixHash32(index % 5000), index);
    expect(map.size).toBe(20_000);
    expect(valuesOf(map, mixHash32(42))).toEqual([42, 5042, 10_042, 15_042]);
    expect(valuesOf(map, mixHash32(7777))).toEqual([]);
  });

  it('with 16-bit tags gives every value of a key (maybe with others, never fewer) and refuses more than its capacity', () => {
    const map = createUint32Multimap({ capacity: 10_000, tagBits: 16 });
    for (let index = 0; index < 10_000; index++) map.add(mixHash32(index), index);
    for (const key of [0, 1, 4321, 9999]) expect(valuesOf(map, mixHash32(key))).toContain(key);
    let extra = 0;
    for (let index = 0; index < 10_000; index++) extra += valuesOf(map, mixHash32(index)).length - 1;
    expect(extra).toBeLessThan(100);
    expect(() => map.add(1, 1)).toThrow(/holds 10000 entries/);
  });
});

describe('createUint32Multimap with double hashing', () => {
  it('gives every value of a key in the order added, and a hot key lengthens no other key’s search', () => {
    const hot = mixHash32(123_456);
    const others = 5000;
    const map = createUint32Multimap({ capacity: 2 * others, tagBits: 16, probing: 'double' });
    for (let index = 0; index < others; index++) {
      map.add(hot, index);
      map.add(mixHash32(index), index);
    }
    expect(valuesOf(map, hot).slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(valuesOf(map, hot).length).toBeGreaterThanOrEqual(others);
    for (const key of [0, 1, 4321, 4999]) expect(valuesOf(map, mixHash32(key))).toContain(key);
    let visited = 0;
    for (let index = 0; index < 1000; index++) visited += map.forEachValue(mixHash32(others + index), () => {});
    expect(visited / 1000).toBeLessThan(8); // about 1 / (1 - load) at load 0.8; linear probing walks the hot run
    const linear = createUint32Multimap({ capacity: 2 * others, tagBits: 16 });
    for (let index = 0; index < others; index++) {
      linear.add(hot, index);
      linear.add(mixHash32(index), index);
    }
    let linearVisited = 0;
    for (let index = 0; index < 1000; index++)
      linearVisited += linear.forEachValue(mixHash32(others + index), () => {});
    expect(linearVisited / 1000).toBeGreaterThan(50);
  });

  it('needs 16-bit tags, and sizes its table as a prime', () => {
    expect(() => createUint32Multimap({ probing: 'double' })).toThrow(/needs tagBits: 16/);
    expect([primeAtLeast(1), primeAtLeast(14), primeAtLeast(1_000_000)]).toEqual([2, 17, 1_000_003]);
  });
});
