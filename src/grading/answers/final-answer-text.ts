/**
 * @module evals/answers/final-answer-text
 * The part of a model's answer that an extractor reads: reasoning removed first (a leftover `<think>…</think>` block,
 * or an unclosed one up to the end), Markdown emphasis dropped, whitespace trimmed.
 */

/** The answer without any reasoning block a backend left in it, and without Markdown bold/italic markers. */
export function finalAnswerText(answer: string): string {
  let text = answer.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, ' ');
  // An opening tag with no close: everything after it is reasoning the model never finished.
  text = text.replace(/<(think|thinking|reasoning)>[\s\S]*$/i, ' ');
  // A stray closing tag (the opening one was in the prompt): what precedes it is reasoning.
  const close = /<\/(think|thinking|reasoning)>/i.exec(text);
  if (close) text = text.slice(close.index + close[0].length);
  return text.replace(/\*\*|__/g, '').trim();
}

/** The contents of every `\boxed{…}` (and `\fbox{…}`), with nested braces, in order. */
export function boxedContents(text: string): string[] {
  const found: string[] = [];
  const pattern = /\\(?:boxed|fbox)\s*\{/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    let depth = 1;
    let index = match.index + match[0].length;
    const start = index;
    for (; index < text.length && depth > 0; index += 1) {
      if (text[index] === '{') depth += 1;
      else if (text[index] === '}') depth -= 1;
    }
    if (depth === 0) found.push(text.slice(start, index - 1));
  }
  return found;
}
