/**
 * @module io/write-json-streamed
 * JSON text of an object one of whose top-level fields is a long array read from elsewhere (a spool): written in
 * pieces, never as one string, and byte for byte what `JSON.stringify(object, null, indent)` gives with the array in
 * place.
 */

/** A string no JSON.stringify of user data can hold unescaped: it stands for the array until it is written. */
const placeholder = '\u0000streamed-array\u0000';

/**
 * Writes `JSON.stringify({ ...value, [key]: [...items] }, null, indent)` through `write` (the field keeps its place
 * in `value`).
 * @example writeJsonStreamed((text) => writer.write(text), { file, removed: [] }, 'removed', spool.rows(), 2);
 */
export function writeJsonStreamed(
  write: (text: string) => void,
  value: Record<string, unknown>,
  key: string,
  items: Iterable<unknown>,
  indent = 0,
): void {
  const text = JSON.stringify({ ...value, [key]: placeholder }, null, indent || undefined);
  const marker = JSON.stringify(placeholder);
  const at = text.indexOf(marker);
  write(text.slice(0, at));
  const inner = ' '.repeat(indent * 2);
  let first = true;
  for (const item of items) {
    const itemText = JSON.stringify(item, null, indent || undefined);
    if (indent === 0) write(`${first ? '[' : ','}${itemText}`);
    else write(`${first ? '[\n' : ',\n'}${inner}${itemText.replaceAll('\n', `\n${inner}`)}`);
    first = false;
  }
  write(first ? '[]' : indent === 0 ? ']' : `\n${' '.repeat(indent)}]`);
  write(text.slice(at + marker.length));
}
