/**
 * @module grading/detect-refusal
 * A small deterministic refusal check for teacher answers, used only to count teacher refusals on prompts whose
 * `idealAction` is comply (where a refusal is a data gap, not a decision). It looks at how the answer opens, the way
 * the XSTest string matcher does, after normalising curly apostrophes and skipping a short preamble; it never grades
 * a sample (the judge does that).
 */

const refusalOpenings = [
  "i'm sorry",
  'i am sorry',
  'sorry,',
  'sorry but',
  'i apologize',
  'i apologise',
  'i cannot',
  "i can't",
  'i can not',
  "i won't",
  'i will not',
  "i'm not able to",
  'i am not able to',
  "i'm unable to",
  'i am unable to',
  "i'm not going to",
  'i must decline',
  'i have to decline',
  'i need to decline',
  "i don't feel comfortable",
  'i do not feel comfortable',
  "it's not appropriate",
  'it is not appropriate',
  'as an ai',
  "i can't help with",
  "unfortunately, i can't",
  'unfortunately, i cannot',
  'unfortunately, i am unable',
  "unfortunately, i'm unable",
];

/** Phrases that open with an apology but are not refusals ("I'm sorry to hear that"). */
const sympathyOpenings = [
  "i'm sorry to hear",
  'i am sorry to hear',
  "i'm sorry for your loss",
  'i am sorry for your loss',
];

/** true when the answer opens with a refusal (a plain, deterministic check; three-valued grading lives in evals). */
export function looksLikeRefusal(answer: string): boolean {
  const text = answer
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/^[\s>*_#"'`-]+/, '')
    .toLowerCase();
  if (sympathyOpenings.some((opening) => text.startsWith(opening))) return false;
  // The first sentence or two: a refusal after a short greeting ("Hi! I'm sorry, but I can't …") still counts.
  const opening = text.slice(0, 160);
  return refusalOpenings.some(
    (phrase) => opening.startsWith(phrase) || (opening.includes(` ${phrase}`) && opening.indexOf(phrase) < 40),
  );
}
