/**
 * @module servers/reward/parse-templated-prompt
 * OpenRLHF sends the prompt as the chat template rendered it (`tokenizer.decode(prompt_ids)`, special tokens kept).
 * The judge reads a conversation, so the turns are recovered from the template's own markers: ChatML (Qwen),
 * harmony (gpt-oss) and Llama 3. Text in no known template is one user turn, special tokens removed.
 */
import type { Message } from '../../records/message.js';

export interface TemplatedPrompt {
  messages: Message[];
  /** The generation prompt ends in `<think>` (R1-style), so the response starts inside the reasoning. */
  prefilledThink: boolean;
}

type Role = Message['role'];
const roles = new Set<string>(['system', 'developer', 'user', 'assistant', 'tool']);

function turn(role: string, content: string): Message | null {
  const known = roles.has(role) ? (role as Role) : role === 'ipython' ? 'tool' : null;
  if (known === null) return null;
  return { role: known, content: content.trim() };
}

const chatMl = /<\|im_start\|>([a-z]+)\n([\s\S]*?)<\|im_end\|>/g;
const llama3 = /<\|start_header_id\|>([a-z]+)<\|end_header_id\|>\n\n([\s\S]*?)<\|eot_id\|>/g;
const harmony = /<\|start\|>([a-z]+)(?:<\|channel\|>([a-z]+))?[^<]*<\|message\|>([\s\S]*?)(?:<\|end\|>|<\|return\|>)/g;

function assistantWithoutReasoning(message: Message): Message {
  if (message.role !== 'assistant') return message;
  const closing = message.content.lastIndexOf('</think>');
  return closing === -1 ? message : { ...message, content: message.content.slice(closing + 8).trim() };
}

function collect(matches: Iterable<RegExpMatchArray>, pick: (match: RegExpMatchArray) => Message | null): Message[] {
  const messages: Message[] = [];
  for (const match of matches) {
    const message = pick(match);
    if (message) messages.push(assistantWithoutReasoning(message));
  }
  return messages;
}

/** The conversation inside a rendered prompt; earlier assistant turns lose their reasoning too. */
export function parseTemplatedPrompt(text: string): TemplatedPrompt {
  const prefilledThink = /<think>\s*$/.test(text);
  let messages: Message[] = [];
  if (text.includes('<|im_start|>')) {
    messages = collect(text.matchAll(chatMl), (match) => turn(match[1]!, match[2]!));
  } else if (text.includes('<|start_header_id|>')) {
    messages = collect(text.matchAll(llama3), (match) => turn(match[1]!, match[2]!));
  } else if (text.includes('<|start|>')) {
    // harmony: the `system` message is the model's identity and channel list, not the user's; analysis is CoT.
    messages = collect(text.matchAll(harmony), (match) =>
      match[1] === 'system' || match[2] === 'analysis' ? null : turn(match[1]!, match[3]!),
    );
  }
  if (messages.length === 0) {
    const plain = text.replace(/<\|[a-z_]+\|>/g, '').trim();
    messages = [{ role: 'user', content: plain }];
  }
  return { messages, prefilledThink };
}
