/**
 * @module pipeline/generation-template
 * The generation template (templates/generate.md, or the user's file): loading, identity (id + hash), and building
 * the teacher's messages with spec(category) placed before the conversation (system or user turn).
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { packageFile } from '../io/package-root.js';
import { readTemplateFile } from '../io/read-template-file.js';
import { sha256 } from '../io/stable-hash.js';
import type { Message } from '../records/message.js';

export interface GenerationTemplate {
  /** From `<!-- template-id: … -->`, else the file name without extension. */
  id: string;
  /** sha256 of the file's text: a changed template is a new template. */
  hash: string;
  file: string;
  /** The text with HTML comments removed: what the model reads. */
  body: string;
}

/** The default template's path. */
export function defaultGenerationTemplateFile(): string {
  return packageFile('templates/generate.md');
}

/** Reads and checks a generation template: it must contain {{spec}} before {{conversation}}. */
export function loadGenerationTemplate(file: string = defaultGenerationTemplateFile()): GenerationTemplate {
  const text = readTemplateFile(
    file,
    'generation template',
    'fix generate.template in deliberate.yaml (relative to the config file), or remove it to use the default',
  );
  const id = /<!--\s*template-id:\s*([\w.-]+)\s*-->/.exec(text)?.[1] ?? path.basename(file, path.extname(file));
  const body = text.replace(/<!--[\s\S]*?-->/g, '').trim();
  const specAt = body.indexOf('{{spec}}');
  const conversationAt = body.indexOf('{{conversation}}');
  if (specAt < 0 || conversationAt < 0) {
    throw new ConfigError(`the generation template needs both {{spec}} and {{conversation}}`, {
      location: file,
      hint: 'add the missing placeholder (see templates/generate.md in the deliberate package)',
    });
  }
  if (specAt > conversationAt) {
    throw new ConfigError('{{spec}} must come before {{conversation}} in the generation template', {
      location: file,
      hint: 'move the spec first, so prompts of one category share a prefix the serving engine can cache',
    });
  }
  return { id, hash: sha256(text), file, body };
}

/** The conversation as a transcript the teacher reads inside the template. */
export function conversationTranscript(messages: readonly Message[]): string {
  const turns = messages.map((message) => `<message role="${message.role}">\n${message.content}\n</message>`);
  return `<conversation>\n${turns.join('\n')}\n</conversation>`;
}

const systemPlacementConversation =
  'The conversation is given as the messages that follow this one; respond to its last user message.';

/**
 * The teacher's messages for one prompt. `user`: one user message (spec, transcript, instructions).
 * `system`: a system message (spec and instructions) followed by the original conversation; an original system
 * prompt is appended to ours, so the spec still comes first.
 */
export function buildGenerationMessages(options: {
  template: GenerationTemplate;
  specText: string;
  messages: readonly Message[];
  placement: 'user' | 'system';
}): Message[] {
  const fill = (conversation: string) =>
    options.template.body
      .replaceAll('{{spec}}', () => options.specText)
      .replaceAll('{{conversation}}', () => conversation);
  if (options.placement === 'user') {
    return [{ role: 'user', content: fill(conversationTranscript(options.messages)) }];
  }
  const system = fill(systemPlacementConversation);
  const conversation = options.messages.map((message) => ({ role: message.role, content: message.content }));
  if (conversation[0]?.role === 'system') {
    return [{ role: 'system', content: `${system}\n\n---\n\n${conversation[0].content}` }, ...conversation.slice(1)];
  }
  return [{ role: 'system', content: system }, ...conversation];
}
