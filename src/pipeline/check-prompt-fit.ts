/**
 * @module pipeline/check-prompt-fit
 * Prompts that cannot fit the teacher's context window are rejected at intake, before any request: the request is
 * the template, spec(category) and the conversation, plus `generate.maxTokens` for the answer. Tokens are estimated
 * from characters (3 per token, on the safe side for most text), so a huge text costs no tokenisation.
 */
import { DataError } from '../errors.js';
import type { Prompt } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';
import { renderSpecForPrompt } from '../spec/render-spec.js';
import type { GenerationTemplate } from './generation-template.js';
import type { RunEvents } from './run-events.js';

export const charactersPerToken = 3;

export interface CheckPromptFitOptions {
  spec: Spec;
  template: GenerationTemplate;
  maxTokens: number;
  contextWindow: number;
  /** Where the window came from, for the message (`models.teacher.contextWindow`, the server's answer, the default). */
  windowSource: string;
  skipInvalid?: boolean;
  events?: RunEvents;
  locations?: ReadonlyMap<string, string>;
}

/** The prompts that fit; a prompt that does not is a DataError naming its row and size, or (skipInvalid) counted. */
export function checkPromptFit(prompts: Prompt[], options: CheckPromptFitOptions): Prompt[] {
  const specLengths = new Map<string, number>();
  const fits: Prompt[] = [];
  let tooLong = 0;
  for (const prompt of prompts) {
    const key = prompt.categories.join('\u0000');
    let specLength = specLengths.get(key);
    if (specLength === undefined) {
      specLength = renderSpecForPrompt(options.spec, prompt).length;
      specLengths.set(key, specLength);
    }
    const characters = prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
    const estimated = Math.ceil((characters + specLength + options.template.body.length) / charactersPerToken);
    if (estimated + options.maxTokens <= options.contextWindow) {
      fits.push(prompt);
      continue;
    }
    if (!options.skipInvalid) {
      throw new DataError(
        `prompt ${prompt.id} cannot fit the teacher's context window: about ${estimated} tokens (${characters} characters of conversation, with the spec text and template) + generate.maxTokens ${options.maxTokens} > ${options.contextWindow} (${options.windowSource})`,
        {
          location: options.locations?.get(prompt.id) ?? `prompt ${prompt.id}`,
          hint: 'shorten or remove this prompt, lower generate.maxTokens, or set contextWindow on the teacher role if its window is larger; --skip-invalid skips such prompts (counted)',
        },
      );
    }
    tooLong += 1;
  }
  if (tooLong > 0) options.events?.count('intake:too-long', { amount: tooLong });
  return fits;
}
