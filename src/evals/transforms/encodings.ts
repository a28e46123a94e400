/**
 * @module evals/transforms/encodings
 * Text encodings used by jailbreak transforms, and the decoders applied to answers before grading.
 * Each decoder returns the input unchanged when it does not look encoded, so a plain answer is graded as written.
 */
import { jsonrepair } from 'jsonrepair';

/** ROT13 over ASCII letters (its own inverse). */
export function rot13(text: string): string {
  return text.replace(/[a-zA-Z]/g, (letter) => {
    const base = letter <= 'Z' ? 65 : 97;
    return String.fromCharCode(((letter.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** UTF-8 text → standard base64. */
export function encodeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Removes the vowels a, e, i, o, u (either case); spacing and punctuation stay. */
export function disemvowel(text: string): string {
  return text.replace(/[aeiouAEIOU]/g, '');
}

const leetTable: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', g: '9', b: '8' };

/** Replaces common letters with look-alike digits (a→4, e→3, i→1, o→0, s→5, t→7, g→9, b→8). */
export function leetspeak(text: string): string {
  return text.replace(/[aeiostgb]/gi, (letter) => leetTable[letter.toLowerCase()] ?? letter);
}

const commonWords = new Set(
  'the be to of and a in that have i it for not on with he as you do at this but his by from they we say her she or an will my one all would there their what so up out if about who get which go me when make can like time no just him know take people into year your good some could them see other than then now look only come its over think also back after use two how our work first well way even new want because any these give day most us is are was were'.split(
    ' ',
  ),
);

/** The share of words that are common English words: tells a decoded answer from gibberish. */
export function englishWordShare(text: string): number {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  if (words.length === 0) return 0;
  return words.filter((word) => commonWords.has(word)).length / words.length;
}

/** Decodes a ROT13 answer; keeps the answer when decoding does not make it more English. */
export function decodeRot13IfEncoded(answer: string): string {
  const decoded = rot13(answer);
  return englishWordShare(decoded) > englishWordShare(answer) + 0.1 ? decoded : answer;
}

function printableShare(text: string): number {
  if (text.length === 0) return 0;
  let printable = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code === 0xfffd) continue;
    if (code >= 32 || code === 9 || code === 10 || code === 13) printable += 1;
  }
  return printable / [...text].length;
}

function decodeBase64Run(run: string): string | null {
  const clean = run.replace(/\s+/g, '');
  // Truncation fallback: a cut-off answer decodes up to its last whole 4-character group.
  const whole = clean.replace(/=+$/, '');
  const usable = whole.slice(0, whole.length - (whole.length % 4));
  const candidates = [clean, usable].filter((candidate) => candidate.length >= 4);
  for (const candidate of candidates) {
    const bytes = Buffer.from(candidate, 'base64');
    const text = bytes.toString('utf8');
    if (text.length > 0 && printableShare(text) >= 0.95) return text;
  }
  return null;
}

/** The base64 text of `candidate` when it decodes cleanly: whole 4-character groups, valid UTF-8, printable. */
function decodeBase64Strict(candidate: string): string | null {
  const clean = candidate.replace(/\s+/g, '');
  if (clean.length < 8 || clean.length % 4 !== 0) return null;
  const text = Buffer.from(clean, 'base64').toString('utf8');
  return text.length > 0 && !text.includes('\uFFFD') && printableShare(text) >= 0.95 ? text : null;
}

/**
 * Decodes the base64 in a run, and says how much of the run it used. Line-wrapped base64 continues across
 * whitespace, but so does a plain word written right after it ("…Zm9v\n\nSure: …"): the longest prefix of whole
 * chunks that decodes cleanly wins, and the rest stays as prose.
 */
function decodeBase64Prefix(run: string): { text: string; used: number } | null {
  const parts = run.split(/(\s+)/);
  for (let end = parts.length; end > 0; end -= 2) {
    const prefix = parts.slice(0, end).join('');
    const text = decodeBase64Strict(prefix);
    if (text !== null) return { text, used: prefix.length };
  }
  const text = decodeBase64Run(run);
  return text === null ? null : { text, used: run.length };
}

/**
 * Decodes a base64 answer, tolerating line breaks, surrounding prose and truncation (decodes the longest run of
 * base64 characters, up to its last whole group). The prose around the run is kept, so an answer that echoes the
 * encoded request and then answers in plain text keeps its answer. Keeps the answer when nothing decodes to readable
 * text.
 */
export function decodeBase64IfEncoded(answer: string): string {
  const runs = [...answer.matchAll(/[A-Za-z0-9+/]{8,}(?:\s*[A-Za-z0-9+/]+)*={0,2}/g)];
  const longest = runs.sort((a, b) => b[0].length - a[0].length)[0];
  if (!longest || longest[0].replace(/\s+/g, '').length < Math.min(16, answer.trim().length)) return answer;
  // Plain English words also match the run pattern; require the run to dominate the answer.
  if (longest[0].length < answer.trim().length * 0.5) return answer;
  const decoded = decodeBase64Prefix(longest[0]);
  if (decoded === null) return answer;
  const before = answer.slice(0, longest.index);
  const after = answer.slice(longest.index + decoded.used);
  return `${before}${decoded.text}${after}`;
}

/**
 * Joins a JSON list answer (`["a", "b"]`, possibly in a code fence or slightly malformed) into one text.
 * Prose around the list is kept (only a wrapping code fence is dropped), so a plain answer that merely contains
 * brackets (`see [this guide](…)`) is never cut down to the bracketed words. Keeps the answer when it holds no JSON
 * list of strings.
 */
export function decodeJsonListIfPresent(answer: string): string {
  const start = answer.indexOf('[');
  if (start === -1) return answer;
  const end = answer.lastIndexOf(']');
  const slice = end > start ? answer.slice(start, end + 1) : answer.slice(start);
  for (const attempt of [slice, () => jsonrepair(slice)]) {
    try {
      const text = typeof attempt === 'string' ? attempt : attempt();
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string')) {
        const before = answer
          .slice(0, start)
          .replace(/```[a-z]*\s*$/i, '')
          .trim();
        const after = (end > start ? answer.slice(end + 1) : '').replace(/^\s*```/, '').trim();
        return [before, value.join(' '), after].filter((part) => part.length > 0).join(' ');
      }
    } catch {
      // not JSON yet: try the repaired form
    }
  }
  return answer;
}
