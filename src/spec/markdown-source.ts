/**
 * @module spec/markdown-source
 * One spec file's Markdown body parsed by remark, with the helpers the spec reader needs: source slices without
 * `<!-- comments -->`, and offsets turned into file:line:col.
 */
import type { Heading, Nodes, Root, RootContent } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { SourceLocation } from '../records/spec.js';

export interface Range {
  start: number;
  end: number;
}

export class MarkdownSource {
  readonly tree: Root;
  readonly headings: Heading[];
  private readonly lineStarts: number[];
  private readonly comments: Range[];

  constructor(
    readonly file: string,
    readonly body: string,
  ) {
    this.tree = unified().use(remarkParse).parse(body);
    this.headings = this.tree.children.filter((node): node is Heading => node.type === 'heading');
    this.lineStarts = [0];
    for (let index = 0; index < body.length; index++) if (body[index] === '\n') this.lineStarts.push(index + 1);
    this.comments = [];
    collectComments(this.tree, this.comments);
  }

  /** The file location of a character offset in the body. */
  location(offset: number): SourceLocation {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { file: this.file, line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  /** Where a node starts. */
  nodeLocation(node: Nodes): SourceLocation {
    return { file: this.file, line: node.position!.start.line, column: node.position!.start.column };
  }

  /** The source line(s) of a heading: the ATX line, or the text line of a setext heading. */
  headingLine(heading: Heading): string {
    const raw = this.body.slice(start(heading), end(heading));
    return /^[ \t]*#/.test(raw) ? raw : raw.split('\n').slice(0, -1).join(' ');
  }

  /** Offset where the section of heading `index` ends: the next heading of depth ≤ maxDepth, or the end of the file. */
  sectionEnd(index: number, maxDepth: number): number {
    for (let next = index + 1; next < this.headings.length; next++) {
      const heading = this.headings[next]!;
      if (heading.depth <= maxDepth) return start(heading);
    }
    return this.body.length;
  }

  /** Top-level nodes lying inside [from, to). */
  nodesBetween(from: number, to: number): RootContent[] {
    return this.tree.children.filter((node) => start(node) >= from && end(node) <= to);
  }

  /** The parts of [from, to) left after cutting out comments and the `cuts`. */
  segments(from: number, to: number, cuts: readonly Range[] = []): Range[] {
    const removed = [...this.comments, ...cuts]
      .filter((range) => range.start < to && range.end > from)
      .sort((a, b) => a.start - b.start);
    const kept: Range[] = [];
    let cursor = from;
    for (const range of removed) {
      if (range.start > cursor) kept.push({ start: cursor, end: range.start });
      cursor = Math.max(cursor, range.end);
    }
    if (cursor < to) kept.push({ start: cursor, end: to });
    return kept;
  }

  /** The Markdown text of [from, to) without comments and cuts; trailing spaces and extra blank lines removed. */
  text(from: number, to: number, cuts: readonly Range[] = []): string {
    const raw = this.segments(from, to, cuts)
      .map((range) => this.body.slice(range.start, range.end))
      .join('');
    return raw
      .split('\n')
      .map((line) => line.replace(/[ \t\r]+$/, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }
}

/** Start offset of a node. */
export function start(node: Nodes): number {
  return node.position!.start.offset!;
}

/** End offset of a node. */
export function end(node: Nodes): number {
  return node.position!.end.offset!;
}

/** The range a node covers. */
export function nodeRange(node: Nodes): Range {
  return { start: start(node), end: end(node) };
}

function collectComments(node: Nodes, ranges: Range[]): void {
  if (node.type === 'html' && node.value.trimStart().startsWith('<!--')) {
    ranges.push(nodeRange(node));
    return;
  }
  if ('children' in node) for (const child of node.children) collectComments(child, ranges);
}
