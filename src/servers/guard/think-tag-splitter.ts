/**
 * @module servers/guard/think-tag-splitter
 * Streaming counterpart of the model layer's `<think>` handling, for answers streamed through the guard: content
 * that opens with `<think>` (or, with `prefilledThink`, all content up to `</think>`) is reasoning, the rest is the
 * answer. Text is held back only while it could still be the start of a tag, so the answer is never delayed longer.
 */
import type { StreamDelta } from '../../models/chat-model.js';

export interface ThinkTagSplitter {
  push(text: string): StreamDelta[];
  /** What is still held back when the stream ends. */
  flush(): StreamDelta[];
}

const open = '<think>';
const close = '</think>';

/** The length of the longest suffix of `text` that is a prefix of `tag` (held back until the next piece). */
function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(-length))) return length;
  }
  return 0;
}

export function createThinkTagSplitter(options: { prefilledThink?: boolean } = {}): ThinkTagSplitter {
  let state: 'detect' | 'think' | 'answer-start' | 'answer' = options.prefilledThink ? 'think' : 'detect';
  let held = '';

  function step(): StreamDelta[] {
    const out: StreamDelta[] = [];
    for (;;) {
      if (state === 'detect') {
        const trimmed = held.trimStart();
        if (trimmed.startsWith(open)) {
          held = trimmed.slice(open.length);
          state = 'think';
          continue;
        }
        if (open.startsWith(trimmed)) return out;
        state = 'answer';
        continue;
      }
      if (state === 'think') {
        const end = held.indexOf(close);
        if (end !== -1) {
          if (end > 0) out.push({ field: 'reasoning', text: held.slice(0, end) });
          held = held.slice(end + close.length);
          state = 'answer-start';
          continue;
        }
        const keep = partialTagLength(held, close);
        if (held.length > keep) out.push({ field: 'reasoning', text: held.slice(0, held.length - keep) });
        held = held.slice(held.length - keep);
        return out;
      }
      if (state === 'answer-start') {
        // The blank line after </think> is layout, not answer (the model layer trims it too).
        held = held.trimStart();
        if (held === '') return out;
        state = 'answer';
      }
      if (held !== '') out.push({ field: 'content', text: held });
      held = '';
      return out;
    }
  }

  return {
    push(text) {
      held += text;
      return step();
    },
    flush() {
      const rest = held;
      held = '';
      if (rest === '' || state === 'answer-start') return [];
      return [{ field: state === 'think' ? 'reasoning' : 'content', text: rest }];
    },
  };
}
