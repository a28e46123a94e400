import { describe, expect, it } from 'vitest';
import { mixHash32 } from './string-hash32.js';
import { createUint32Multimap } from './uint32-multimap.js';

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
