/**
 * @module spec/heading-attributes
 * Reads a Markdown heading line with an optional attribute block, as in the OpenAI Model Spec:
 * `### Neutral information {#illicit.K0 action=comply}` → title, id and attributes, with character offsets for errors.
 */

export interface AttributeValue {
  value: string;
  /** Offset of `key=` in the heading line (0-based). */
  offset: number;
}

export interface HeadingAttributeProblem {
  message: string;
  hint: string;
  offset: number;
}

export interface HeadingAttributes {
  /** The heading text without the `#` marks and without the attribute block. */
  title: string;
  id: string | null;
  /** Offset of `#id` in the line, or of the heading start when there is no id. */
  idOffset: number;
  attributes: Map<string, AttributeValue>;
  problems: HeadingAttributeProblem[];
}

const tokenPattern = /#[^\s{}]+|[A-Za-z][\w-]*=(?:"[^"]*"|'[^']*'|[^\s"'{}]+)|\S+/g;

/** Parses one heading line (ATX `### Title {#id key=value}`; for a setext heading pass its text line). */
export function parseHeadingAttributes(line: string): HeadingAttributes {
  const markerMatch = /^[ \t]*#{1,6}[ \t]*/.exec(line);
  const contentStart = markerMatch ? markerMatch[0].length : 0;
  let content = line.slice(contentStart).replace(/[ \t]+#+[ \t]*$/, '');
  content = content.replace(/[ \t]+$/, '');
  const attributes = new Map<string, AttributeValue>();
  const problems: HeadingAttributeProblem[] = [];
  const result: HeadingAttributes = { title: content.trim(), id: null, idOffset: 0, attributes, problems };

  const blockMatch = /\{([^{}]*)\}$/.exec(content);
  if (!blockMatch) {
    const open = content.lastIndexOf('{');
    if (open !== -1 && !content.slice(open).includes('}')) {
      problems.push({
        message: 'attribute block is not closed',
        hint: 'end the heading with a closing brace, e.g. {#category.R1 action=refuse}',
        offset: contentStart + open,
      });
      result.title = content.slice(0, open).trim();
    }
    return result;
  }
  result.title = content.slice(0, blockMatch.index).trim();
  const blockStart = contentStart + blockMatch.index + 1;
  for (const token of blockMatch[1]!.matchAll(tokenPattern)) {
    const text = token[0];
    const offset = blockStart + token.index;
    if (text.startsWith('#')) {
      if (result.id !== null) {
        problems.push({ message: `second id "${text}" in one heading`, hint: 'give a heading one #id', offset });
        continue;
      }
      result.id = text.slice(1);
      result.idOffset = offset;
      continue;
    }
    const equals = text.indexOf('=');
    if (equals > 0) {
      const key = text.slice(0, equals);
      let value = text.slice(equals + 1);
      if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
      if (attributes.has(key)) {
        problems.push({ message: `attribute "${key}" is given twice`, hint: 'keep one', offset });
        continue;
      }
      attributes.set(key, { value, offset });
      continue;
    }
    problems.push({
      message: `cannot read "${text}" in the attribute block`,
      hint: 'write #id and key=value pairs, e.g. {#illicit.K3 action=refuse}',
      offset,
    });
  }
  return result;
}
