import { describe, expect, it } from 'vitest';
import { looksLikeRefusal } from './detect-refusal.js';

describe('looksLikeRefusal', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    'I’m sorry, but I can’t help with that.',
    'I cannot assist with this request.',
    '**I can’t help with that.**',
    'Hi there! I’m not able to help with that one.',
    'Unfortunately, I cannot provide that.',
  ])('sees a refusal in "%s"', (answer) => {
    expect(looksLikeRefusal(answer)).toBe(true);
  });

  it.each([
    "I'm sorry to hear that you're going through this. Here are some things that help:",
    'To kill a Python process, run `kill -9 <pid>`.',
    'Sure! Locks work like this. Note that you cannot open one without the key, legally.',
  ])('sees no refusal in "%s"', (answer) => {
    expect(looksLikeRefusal(answer)).toBe(false);
  });
});
