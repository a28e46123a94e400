import { describe, expect, it } from 'vitest';
import { sampleItems } from './sample-items.js';

describe('sampleItems', () => {
  it('is a seeded sample in dataset order', () => {
    const items = Array.from({ length: 20 }, (_, index) => ({ id: String(index) }) as never);
    const sample = sampleItems(items, 5, 1);
    expect(sample).toHaveLength(5);
    expect(sampleItems(items, 5, 1)).toEqual(sample);
    const ids = sample.map((item: { id: string }) => Number(item.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });
});
