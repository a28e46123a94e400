/**
 * @module spec/vague-words
 * Words that make a rule hard to apply consistently (gpt-oss-safeguard guide: avoid "generally", "usually").
 */

/** Whole words and phrases, case-insensitive. */
export const vagueWordPattern =
  /\b(?:generally|usually|typically|often|normally|mostly|in\s+most\s+cases|in\s+general|may\s+be|might|sometimes|perhaps|possibly|probably|(?:as|where|when)\s+appropriate)\b/gi;

/** Each vague word in `text` with its offset. */
export function findVagueWords(text: string): { word: string; offset: number }[] {
  return [...text.matchAll(new RegExp(vagueWordPattern.source, 'gi'))].map((match) => ({
    word: match[0],
    offset: match.index,
  }));
}
