/**
 * @module io/yaml-to-plain
 * A parsed YAML document → plain values, never a stack trace: an alias bomb (aliases that would expand to a huge
 * document) or a document too deep to convert becomes a result with the offset of the node to blame, so callers
 * report `file:line:col`.
 */
import { type Document, isAlias, visit } from 'yaml';

export type YamlPlain = { ok: true; value: unknown } | { ok: false; message: string; hint: string; offset: number };

const tooDeep = {
  message: 'the YAML is nested too deeply to read',
  hint: 'flatten the nesting (a config, front matter or rule block needs only a few levels)',
};

/**
 * A parse error of the yaml library in this module's words: a stack overflow while parsing (a document nested
 * thousands of levels deep) is "nested too deeply" with the fix, never "Maximum call stack size exceeded"; any other
 * error keeps its first line and gets `syntaxHint`.
 */
export function describeYamlParseError(message: string, syntaxHint: string): { message: string; hint: string } {
  if (/maximum call stack size exceeded/i.test(message)) return tooDeep;
  return { message: message.split('\n')[0]!, hint: syntaxHint };
}

/** The start offset of the document's first alias (`*name`), or 0. */
function firstAliasOffset(document: Document): number {
  let offset: number | undefined;
  visit(document, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) offset = node.range[0];
      return visit.BREAK;
    },
  });
  return offset ?? 0;
}

/** `document.toJS()`, with its resource-exhaustion and depth errors turned into a located result. */
export function yamlToPlain(document: Document): YamlPlain {
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return {
        ok: false,
        message: 'too many YAML aliases: they would expand to a huge document (an alias bomb)',
        hint: 'write the values out instead of repeating anchors (&name) and aliases (*name)',
        offset: firstAliasOffset(document),
      };
    }
    if (error instanceof RangeError) return { ok: false, ...tooDeep, offset: 0 };
    throw error;
  }
}
