/**
 * @module grading/judge-template
 * A judge template: the words around the graded material, with {{placeholders}} the judge fills. The default lives
 * in judge-prompt.ts (and, word for word, in templates/judge.md for users to copy and edit); a user's file replaces
 * the words but never the safety of the filling: the graded text still arrives fenced and neutralised, and the
 * reasoning is still absent whenever the stage hides it.
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readTemplateFile } from '../io/read-template-file.js';
import { sha256 } from '../io/stable-hash.js';

export interface JudgeTemplate {
  /** Recorded as `judge.promptVersion` on every Judgement (a custom template adds its content hash). */
  id: string;
  /** sha256 of the system and user texts: a changed template is a new template. */
  hash: string;
  /** The file it was read from; null for the built-in default. */
  file: string | null;
  /** The system message; null puts everything in one user message (for models that ignore system prompts). */
  system: string | null;
  user: string;
}

/**
 * What the judge fills in:
 * - nonce: the marker code of this request; spec: spec(category) or the summary-only spec;
 * - categories: one sentence naming the prompt's categories (or saying there are none);
 * - conversation, response: the fenced graded text; reasoning: the fenced chain of thought with its heading, or ""
 *   when the stage hides it (the line is then removed);
 * - hint: the "another AI determined …" opinion, or an instruction to answer no-hint;
 * - reasoning_rubric: the reasoningScore line of the rubric; graded_blocks: "The conversation[, the chain of thought]
 *   and the response"; task_subject: "the response[ and its chain of thought]";
 * - behavioural_rubric: how to grade behavioural rules when the prompt's categories have some, else "" (the line is
 *   then removed).
 */
export const judgeTemplatePlaceholders = [
  'nonce',
  'spec',
  'categories',
  'conversation',
  'reasoning',
  'response',
  'hint',
  'reasoning_rubric',
  'graded_blocks',
  'task_subject',
  'behavioural_rubric',
] as const;
export type JudgeTemplatePlaceholder = (typeof judgeTemplatePlaceholders)[number];

const requiredPlaceholders: readonly JudgeTemplatePlaceholder[] = [
  'nonce',
  'spec',
  'conversation',
  'reasoning',
  'response',
  'hint',
];

const placeholderPattern = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** Hash of a template's texts. */
export function judgeTemplateHash(system: string | null, user: string): string {
  return sha256(`${system ?? ''}\u0000${user}`);
}

/**
 * Reads a template from Markdown: optional `<!-- template-id: name -->`, then `<!-- system -->` and `<!-- user -->`
 * sections (without them, the whole text is one user message). Other HTML comments are for humans and never sent.
 */
export function parseJudgeTemplate(text: string, file: string): JudgeTemplate {
  const id = /<!--\s*template-id:\s*([\w.@-]+)\s*-->/.exec(text)?.[1] ?? path.basename(file, path.extname(file));
  const systemMarker = /<!--\s*system\s*-->/i.exec(text);
  const userMarker = /<!--\s*user\s*-->/i.exec(text);
  const stripComments = (part: string) => part.replace(/<!--[\s\S]*?-->/g, '').trim();
  let system: string | null = null;
  let user: string;
  if (systemMarker && userMarker && systemMarker.index < userMarker.index) {
    system = stripComments(text.slice(systemMarker.index + systemMarker[0].length, userMarker.index));
    user = stripComments(text.slice(userMarker.index + userMarker[0].length));
  } else if (systemMarker || userMarker) {
    throw new ConfigError('a judge template with sections needs <!-- system --> first, then <!-- user -->', {
      location: file,
      hint: 'see templates/judge.md in the deliberate package, or drop both markers for a single user message',
    });
  } else {
    user = stripComments(text);
  }
  const used = new Set<string>();
  for (const part of [system ?? '', user]) for (const match of part.matchAll(placeholderPattern)) used.add(match[1]!);
  const unknown = [...used].filter((name) => !(judgeTemplatePlaceholders as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `the judge template uses unknown placeholders: ${unknown.map((name) => `{{${name}}}`).join(', ')}`,
      {
        location: file,
        hint: `the placeholders are ${judgeTemplatePlaceholders.map((name) => `{{${name}}}`).join(', ')}`,
      },
    );
  }
  const missing = requiredPlaceholders.filter((name) => !used.has(name));
  if (missing.length > 0) {
    throw new ConfigError(`the judge template lacks ${missing.map((name) => `{{${name}}}`).join(', ')}`, {
      location: file,
      hint: 'a judge must see the spec, the conversation, the reasoning (when shown), the response, the hint and the marker code',
    });
  }
  return { id, hash: judgeTemplateHash(system, user), file, system, user };
}

/** Reads and checks a judge template file (see `parseJudgeTemplate`). */
export function loadJudgeTemplate(file: string): JudgeTemplate {
  const text = readTemplateFile(
    file,
    'judge template',
    'fix the judge template path, or remove it to use the built-in template',
  );
  return parseJudgeTemplate(text, file);
}

/**
 * Fills the placeholders in one pass, so filled-in text (which may itself contain "{{…}}") is never read again.
 * A placeholder alone on its line whose value is empty is removed with its line and one blank line after it.
 */
export function fillJudgeTemplate(text: string, values: Record<JudgeTemplatePlaceholder, string>): string {
  const withoutEmpty = text.replace(
    /^[ \t]*\{\{\s*([a-z_]+)\s*\}\}[ \t]*(?:\n[ \t]*\n|\n|$)/gm,
    (match, name: string) => (values[name as JudgeTemplatePlaceholder] === '' ? '' : match),
  );
  return withoutEmpty
    .replace(placeholderPattern, (match, name: string) => values[name as JudgeTemplatePlaceholder] ?? match)
    .trim();
}
