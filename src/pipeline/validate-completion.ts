/**
 * @module pipeline/validate-completion
 * Deterministic checks on a teacher completion, run before any judge. Each rejection carries a reason code:
 * - truncated: finish reason is not `stop`
 * - malformed-reasoning: reasoning normalisation warned that the reasoning/answer split is unreliable
 * - missing-reasoning: no chain of thought (or an empty one)
 * - empty-answer: no final answer
 * - spec-leakage: the reasoning points at a document that will be absent in training ("the policy above")
 * - unknown-rule-id: the reasoning cites a rule id the spec does not have
 * - rule-id-in-answer: the answer quotes rule ids to the user
 */
import { type ReasoningWarningCode, reasoningWarningCode } from '../models/reasoning.js';
import type { Completion } from '../records/completion.js';
import { type SpecIds, shortIdShape } from '../spec/spec-ids.js';

export type ValidationCode =
  | 'truncated'
  | 'malformed-reasoning'
  | 'missing-reasoning'
  | 'empty-answer'
  | 'spec-leakage'
  | 'unknown-rule-id'
  | 'rule-id-in-answer';

export interface ValidationFinding {
  code: ValidationCode;
  /** What was found: the phrase, the unknown ids, the finish reason. */
  detail: string;
}

/**
 * Phrases that refer to the spec as a document in the context. They are specific on purpose: "the policy says" is
 * fine (the model recalls its policy); "the policy above", "the provided policy" and "you gave me" are not.
 */
const documentNouns =
  '(?:safety\\s+)?(?:polic(?:y|ies)|spec(?:ification)?s?|guidelines?|rules?|style guides?|content polic(?:y|ies)|policy (?:text|excerpts?|sections?))';
/** Also "instructions", but only with an explicit "provided/given" (the user's own instructions are fine). */
const providedNouns = `(?:${documentNouns}|instructions?)`;
const leakagePatterns: RegExp[] = [
  // "the policy above", "the guidelines below", "the rules provided above"
  new RegExp(
    `\\bthe\\s+(?:\\w+\\s+){0,2}${documentNouns}\\s+(?:(?:provided|given|listed|quoted|shown|included|supplied|stated|pasted)\\s+)?(?:above|below)\\b`,
    'i',
  ),
  // "the provided policy", "the given spec", "the attached guidelines", "the supplied instructions"
  new RegExp(
    `\\bthe\\s+(?:provided|given|attached|supplied|included|pasted|accompanying|above|below|preceding)\\s+(?:\\w+\\s+){0,2}${providedNouns}\\b`,
    'i',
  ),
  // "as provided in the instructions", "as stated in the prompt", "as given in the system message"
  /\bas\s+(?:provided|given|stated|described|outlined|shown|specified|listed)\s+(?:in|by)\s+the\s+(?:instructions?|prompt|system (?:prompt|message)|context|user(?:'s)? message|message above)\b/i,
  // "the spec you gave", "the policy you provided", "the guidelines the user shared"
  new RegExp(
    `\\bthe\\s+${documentNouns}\\s+(?:that\\s+)?(?:you|the user)\\s+(?:have\\s+)?(?:gave|given|provided|shared|sent|supplied|pasted|included)\\b`,
    'i',
  ),
  // "(the) policy in the prompt", "the spec in the system message", "rules in the context" — but not "the policy in
  // this context" or "the rule in the context of medical advice", which are about the situation, not a document
  new RegExp(
    `\\b${documentNouns}\\s+(?:in|from)\\s+(?:(?:the|this|your)\\s+(?:prompt|system (?:prompt|message)|context window|user(?:'s)? message|conversation above)\\b|the\\s+context\\b(?!\\s+of\\b))`,
    'i',
  ),
  // "the policies provided say", "the policy excerpt provided", "the rules given to me", "the policy text I was given"
  new RegExp(
    `\\bthe\\s+(?:\\w+\\s+){0,2}${documentNouns}\\s+(?:(?:that\\s+)?(?:i|we)\\s+(?:was|were|have been|am|are)\\s+(?:given|provided|shown|handed)\\b|(?:that\\s+)?(?:(?:was|were|is|are|have been)\\s+)?(?:(?:provided|supplied|pasted|attached)\\b(?!\\s+(?:by|for|to)\\b)|given\\s+(?:to\\s+(?:me|us)|here)\\b))`,
    'i',
  ),
  // the default template's own tags: "the <policies> block"
  /<\/?policies>/i,
  // "according to the provided policy", "per the given guidelines" are caught above; "I was given a policy"
  new RegExp(
    `\\b(?:i|we)\\s+(?:was|were|have been|am|are)\\s+(?:given|provided|shown|handed)\\s+(?:a|an|the|some)\\s+(?:\\w+\\s+)?${documentNouns}\\b`,
    'i',
  ),
  // "the user (has) provided a policy", "the user's spec"
  new RegExp(
    `\\bthe\\s+user\\s+(?:has\\s+)?(?:provided|gave|given|shared|included|supplied|pasted)\\s+(?:a|an|the|some)\\s+(?:\\w+\\s+)?${documentNouns}\\b`,
    'i',
  ),
  // "scroll up", "mentioned earlier in the prompt"
  /\b(?:mentioned|stated|written|quoted)\s+(?:earlier|above)\s+in\s+the\s+(?:prompt|instructions|context|message)\b/i,
];

/** The patterns as global regular expressions, built once and walked with `exec` (no copy per call). */
const globalLeakagePatterns = leakagePatterns.map((pattern) => new RegExp(pattern.source, `${pattern.flags}g`));

/**
 * The first leakage phrase in a text, or undefined. With `positional: false` (for the answer, whose "above" and
 * "below" are its own text or the user's message), phrases such as "the guidelines below" do not count.
 */
export function findSpecLeakage(
  text: string,
  extraPhrases: readonly string[] = [],
  options: { positional?: boolean } = {},
): string | undefined {
  for (const pattern of globalLeakagePatterns) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      // `positional: false` (the answer): "the safety guidelines below" points at the answer's own list, not the spec.
      if (options.positional === false && /\b(?:above|below|preceding)\b/i.test(match[0])) continue;
      return match[0];
    }
  }
  const lower = text.toLowerCase();
  for (const phrase of extraPhrases) if (lower.includes(phrase.toLowerCase())) return phrase;
  return undefined;
}

/** The last label of a domain name: a generic TLD or a two-letter country code. */
const domainEnding = /\.(?:com|org|net|gov|edu|int|mil|info|io|ai|app|dev|[a-z]{2})$/;
/** After "section C2": " of the lease" names another document; " of my policy" does not. */
const otherDocument =
  /^\s+of\s+(?:the|your|their|his|her|this|that|a|an|my)\s+(?!(?:safety\s+)?(?:polic|spec|guideline|rule))/i;

/** Where a text's code is: fenced blocks (``` or ~~~) and inline `code` spans, as [start, end) offsets. */
function codeRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const code = /(^|\n)[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n[ \t]*\2[^\n]*(?=\n|$)|$)|(`+)[^`\n]+?\3/g;
  for (const match of text.matchAll(code)) ranges.push([match.index ?? 0, (match.index ?? 0) + match[0].length]);
  return ranges;
}

/**
 * Is an unknown dotted token code rather than a citation? Called (`code.strip(`) or indexed (`child.items[`), or in
 * code (backticks, a fenced block) with a last segment that is not rule-shaped (`code.splitlines`, not `code.S9`).
 */
function isCodeName(text: string, start: number, token: string, code: () => Array<[number, number]>): boolean {
  const end = start + token.length;
  if (/^[([]/.test(text.slice(end, end + 1))) return true;
  const last = token.slice(token.lastIndexOf('.') + 1);
  if (shortIdShape.test(last)) return false;
  return code().some(([from, to]) => start >= from && end <= to);
}

/** Rule-id-shaped tokens (`<known prefix>.<segment>[.<segment>]`) in a text, in order of appearance, unique. */
export function citedIds(text: string, ids: SpecIds): string[] {
  const found: string[] = [];
  let ranges: Array<[number, number]> | undefined;
  const code = () => (ranges ??= codeRanges(text));
  const pattern = /(?<![\w.-])([A-Za-z][A-Za-z0-9-]*)((?:\.[A-Za-z0-9][A-Za-z0-9_-]*)+)(?![\w-])/g;
  for (const match of text.matchAll(pattern)) {
    // Category ids are lower-case; "Illicit.K9" at the start of a sentence is still a citation of one.
    const prefix = match[1]!.toLowerCase();
    if (!ids.prefixes.has(prefix)) continue;
    let id = `${prefix}${match[2]!}`;
    // A sentence-ending period is not part of an id ("… under illicit.K3.").
    while (id.endsWith('.')) id = id.slice(0, -1);
    // A domain name is not a citation ("report it at cyber.gov.au", "privacy.org"); nor is code that starts with a
    // category id (`code.strip()`, `child.parentNode` in a Code or Child scenario).
    if (!ids.known.has(id) && (domainEnding.test(id) || isCodeName(text, match.index ?? 0, match[0], code))) continue;
    // Longest known id that is a prefix of the token wins ("style.refuse.Good" is unusual but cite "style.refuse").
    if (!ids.known.has(id)) {
      const segments = id.split('.');
      for (let length = segments.length - 1; length >= 2; length--) {
        const shorter = segments.slice(0, length).join('.');
        if (ids.known.has(shorter)) {
          id = shorter;
          break;
        }
      }
    }
    if (!found.includes(id)) found.push(id);
  }
  // "rule K9", "Section K3", "§K3": a short code whose letters some rule id uses (K for illicit.K0…K6) is a citation
  // too; a code the spec does not have comes back as written, so it is reported as unknown — unless it belongs to
  // another document ("section C2 of the lease").
  const letters = new Set([...ids.shortIds.keys()].map((short) => shortIdShape.exec(short)![1]!));
  const shortPattern = /\b(?:rules?|sections?|clauses?)\s+([A-Za-z]{1,4}\d+[a-z]?)\b|§\s*([A-Za-z]{1,4}\d+[a-z]?)\b/gi;
  for (const match of text.matchAll(shortPattern)) {
    const short = (match[1] ?? match[2])!;
    const after = text.slice((match.index ?? 0) + match[0].length);
    if (otherDocument.test(after)) continue;
    const id = ids.shortIds.get(short) ?? (letters.has(shortIdShape.exec(short)![1]!) ? short : undefined);
    if (id !== undefined && !found.includes(id)) found.push(id);
  }
  // "rule PX.7", "policy HR.12", "§ fraud.K9": a dotted code introduced as a citation is one, whatever its prefix; one
  // the spec does not have is unknown. Not: another document's section, a domain name, a version number.
  const introduced =
    /\b(?:rules?|sections?|polic(?:y|ies)|clauses?)\s+([A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)+)|§\s*([A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)+)/gi;
  for (const match of text.matchAll(introduced)) {
    let code = (match[1] ?? match[2])!;
    while (code.endsWith('.')) code = code.slice(0, -1);
    if (!code.includes('.')) continue;
    const after = text.slice((match.index ?? 0) + match[0].length);
    if (otherDocument.test(after) || domainEnding.test(code.toLowerCase()) || /^v?\d+(?:\.\d+)+$/i.test(code)) continue;
    const dot = code.indexOf('.');
    const normalised = `${code.slice(0, dot).toLowerCase()}${code.slice(dot)}`;
    const id = ids.known.has(normalised) ? normalised : code;
    if (!found.includes(id) && !found.includes(normalised)) found.push(id);
  }
  return found;
}

/**
 * Reasoning warnings that reject a completion: the split between reasoning and answer cannot be trusted. A reasoning
 * field next to leftover think tags is not among them: the field is used and the tags are stripped from the answer.
 */
export const malformedReasoningWarnings: ReadonlySet<ReasoningWarningCode> = new Set<ReasoningWarningCode>([
  'several-think-blocks',
  'unclosed-think-block',
  'harmony-no-final-channel',
  'harmony-tokens-stripped',
]);

export interface ValidateOptions {
  ids: SpecIds;
  extraLeakagePhrases?: readonly string[];
  minAnswerChars?: number;
}

/** All findings for one completion (empty: it passes). The first finding is the reason code that gets counted. */
export function validateCompletion(
  completion: Pick<Completion, 'reasoning' | 'answer' | 'finishReason' | 'warnings'>,
  options: ValidateOptions,
): ValidationFinding[] {
  const findings: ValidationFinding[] = [];
  if (completion.finishReason !== 'stop') {
    findings.push({ code: 'truncated', detail: `finish reason "${completion.finishReason}"` });
  }
  const malformed = (completion.warnings ?? []).filter((warning) => {
    const code = reasoningWarningCode(warning);
    return code !== undefined && malformedReasoningWarnings.has(code);
  });
  if (malformed.length > 0) findings.push({ code: 'malformed-reasoning', detail: malformed.join('; ') });
  const reasoning = completion.reasoning ?? '';
  if (reasoning.trim() === '') {
    findings.push({
      code: 'missing-reasoning',
      detail: completion.reasoning === null ? 'no reasoning' : 'empty reasoning',
    });
  }
  if (completion.answer.trim().length < (options.minAnswerChars ?? 1)) {
    findings.push({ code: 'empty-answer', detail: `answer has ${completion.answer.trim().length} characters` });
  }
  const leak =
    findSpecLeakage(reasoning, options.extraLeakagePhrases) ??
    findSpecLeakage(completion.answer, options.extraLeakagePhrases, { positional: false });
  if (leak !== undefined) findings.push({ code: 'spec-leakage', detail: `"${leak}"` });
  const unknown = citedIds(reasoning, options.ids).filter((id) => !options.ids.known.has(id));
  if (unknown.length > 0) findings.push({ code: 'unknown-rule-id', detail: unknown.join(', ') });
  // In the answer, a bare unknown code ("section K12 of your lease") is not taken for a citation; known ids are.
  // An invented code the answer introduces ("policy HR.12") is not the spec's: only known prefixes count there.
  const inAnswer = citedIds(completion.answer, options.ids).filter(
    (id) => id.includes('.') && options.ids.prefixes.has(id.slice(0, id.indexOf('.'))),
  );
  if (inAnswer.length > 0) findings.push({ code: 'rule-id-in-answer', detail: inAnswer.join(', ') });
  return findings;
}
