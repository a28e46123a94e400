/**
 * @module spec/parse-spec-file
 * Reads one spec file into a `SpecDraft`: the root sections (Summary, Principles, Precedence, Style guides) and the
 * categories (`# Title {#id hazards="S1"}` with Summary, Definitions, Notes, Rules, Style). Cross-file checks
 * (duplicate ids, unknown references) are in check-spec.ts.
 */
import type { Heading, List } from 'mdast';
import type { Category, Definition, SourceLocation, StyleGuide } from '../records/spec.js';
import { type FrontMatter, parseFrontMatter, splitFrontMatter } from './front-matter.js';
import { hazardCodes, hazardNames } from './hazards.js';
import { type HeadingAttributes, parseHeadingAttributes } from './heading-attributes.js';
import { end, MarkdownSource, start } from './markdown-source.js';
import { type HeadingContext, readRule, readStyleGuide, rejectUnknownAttributes } from './read-rule.js';
import type { SpecDiagnostics } from './spec-diagnostics.js';

/** The spec as read so far, file by file. */
export interface SpecDraft {
  frontMatter: FrontMatter | null;
  /** True when the front matter was present but had errors (already reported). */
  frontMatterInvalid: boolean;
  /** A level-1 heading without an id at the top of the root file. */
  title: string | null;
  globalSummary: string;
  principles: string[];
  precedenceText: string;
  categories: Category[];
  styleGuides: StyleGuide[];
  /** Ids of rules left out for an error in their heading (e.g. an unknown action), so references to them still resolve. */
  invalidRuleIds: string[];
}

/** A new, empty draft. */
export function emptySpecDraft(): SpecDraft {
  return {
    frontMatter: null,
    frontMatterInvalid: false,
    title: null,
    globalSummary: '',
    principles: [],
    precedenceText: '',
    categories: [],
    styleGuides: [],
    invalidRuleIds: [],
  };
}

type RootSection = 'summary' | 'principles' | 'precedence' | 'style';
type CategorySection = 'summary' | 'definitions' | 'notes' | 'rules' | 'style';

const rootSectionNames: Record<string, RootSection> = {
  summary: 'summary',
  principles: 'principles',
  precedence: 'precedence',
  'style guides': 'style',
  'style guide': 'style',
  style: 'style',
};

const categorySectionNames: Record<string, CategorySection> = {
  summary: 'summary',
  definitions: 'definitions',
  notes: 'notes',
  rules: 'rules',
  style: 'style',
  'style guides': 'style',
};

const idPattern = /^[a-z0-9][a-z0-9._-]*$/;

interface CategoryState {
  category: Category;
  notes: string[];
  sections: Set<CategorySection>;
}

/** Reads one file into `draft`; every problem goes to `diagnostics` with its file:line:col. */
export function parseSpecFile(options: {
  file: string;
  text: string;
  isRoot: boolean;
  draft: SpecDraft;
  diagnostics: SpecDiagnostics;
}): void {
  const { file, isRoot, draft, diagnostics } = options;
  const before = diagnostics.items.length;
  // CRLF and CR line ends read as LF: the same spec gives the same hash on every platform.
  const split = splitFrontMatter({ text: options.text.replace(/\r\n?/g, '\n'), file, diagnostics });
  if (split.yaml !== null) {
    if (isRoot) draft.frontMatter = parseFrontMatter({ yaml: split.yaml, file, diagnostics });
    else
      diagnostics.error(
        'front-matter-outside-root',
        'front matter is only read in the root file (spec.md)',
        { file, line: 1, column: 1 },
        'move id, version, title and precedence to spec.md',
      );
  }
  if (isRoot) draft.frontMatterInvalid = diagnostics.items.slice(before).some((item) => item.severity === 'error');
  const source = new MarkdownSource(file, split.body);
  new FileReader(source, isRoot, draft, diagnostics).read();
}

class FileReader {
  private current: CategoryState | null = null;
  /** True after a category heading without an id: its sections are skipped until the next category. */
  private skipping = false;
  private rootSection: RootSection | null = null;
  private categorySection: CategorySection | null = null;
  private readonly rootSectionsSeen = new Set<RootSection>();
  private readonly categoryStates: CategoryState[] = [];

  constructor(
    private readonly source: MarkdownSource,
    private readonly isRoot: boolean,
    private readonly draft: SpecDraft,
    private readonly diagnostics: SpecDiagnostics,
  ) {}

  read(): void {
    const { headings } = this.source;
    const firstHeading = headings[0];
    const leading = this.source.text(0, firstHeading ? start(firstHeading) : this.source.body.length);
    if (leading !== '')
      this.diagnostics.warning(
        'text-not-rendered',
        'text before the first heading is not rendered',
        this.firstTextLocation(0),
        'put it under a section such as ## Summary, or make it a <!-- comment -->',
      );
    headings.forEach((heading, index) => {
      if (heading.depth > 3) return;
      const attributes = parseHeadingAttributes(this.source.headingLine(heading));
      for (const problem of attributes.problems)
        this.diagnostics.error('invalid-attributes', problem.message, this.at(heading, problem.offset), problem.hint);
      if (heading.depth === 1) this.readLevelOne(heading, index, attributes);
      else if (heading.depth === 2) this.readLevelTwo(heading, index, attributes);
      else this.readLevelThree(heading, index, attributes);
    });
    for (const state of this.categoryStates)
      state.category.notes = state.notes.filter((part) => part !== '').join('\n\n');
  }

  private readLevelOne(heading: Heading, index: number, attributes: HeadingAttributes): void {
    this.rootSection = null;
    this.categorySection = null;
    const intro = this.source.text(end(heading), this.source.sectionEnd(index, 6));
    if (attributes.id === null) {
      const isDocumentTitle =
        this.isRoot && this.current === null && this.rootSectionsSeen.size === 0 && this.draft.title === null;
      if (isDocumentTitle) {
        this.draft.title = attributes.title;
        if (intro !== '') this.draft.principles.push(intro);
        return;
      }
      this.diagnostics.error(
        'category-without-id',
        `category heading "${attributes.title}" has no id`,
        this.source.nodeLocation(heading),
        'write # Title {#category-id hazards="S1 S2"}',
      );
      this.current = null;
      this.skipping = true;
      return;
    }
    this.skipping = false;
    const id = attributes.id;
    if (!idPattern.test(id))
      this.diagnostics.error(
        'invalid-id',
        `category id "${id}" is not a lower-case id`,
        this.at(heading, attributes.idOffset),
        'use lower-case letters, digits, ".", "_" and "-", e.g. {#self-harm}',
      );
    rejectUnknownAttributes({ source: this.source, diagnostics: this.diagnostics, heading, index, attributes }, [
      'hazards',
    ]);
    const hazards = this.readHazards(heading, attributes);
    const category: Category = {
      id,
      title: attributes.title,
      summary: '',
      hazards,
      definitions: [],
      rules: [],
      notes: '',
      location: this.source.nodeLocation(heading),
    };
    this.current = { category, notes: intro === '' ? [] : [intro], sections: new Set() };
    this.categoryStates.push(this.current);
    this.draft.categories.push(category);
  }

  private readHazards(heading: Heading, attributes: HeadingAttributes): string[] {
    const attribute = attributes.attributes.get('hazards');
    if (!attribute) return [];
    const codes = attribute.value.split(/[\s,]+/).filter((code) => code !== '');
    for (const code of codes) {
      if (hazardNames[code] === undefined)
        this.diagnostics.error(
          'unknown-hazard',
          `unknown hazard code "${code}"`,
          this.at(heading, attribute.offset),
          `use MLCommons / Llama Guard 3 codes ${hazardCodes[0]}…${hazardCodes.at(-1)}, separated by spaces`,
        );
    }
    return [...new Set(codes.filter((code) => hazardNames[code] !== undefined))];
  }

  private readLevelTwo(heading: Heading, index: number, attributes: HeadingAttributes): void {
    if (this.skipping) return;
    const name = attributes.title.toLowerCase().replace(/\s+/g, ' ').trim();
    const sectionText = () => this.source.text(end(heading), this.source.sectionEnd(index, 2));
    const preamble = () => this.source.text(end(heading), this.source.sectionEnd(index, 3));
    const state = this.current;
    if (state === null) {
      if (!this.isRoot) {
        this.diagnostics.error(
          'section-outside-category',
          `section "${attributes.title}" is not inside a category`,
          this.source.nodeLocation(heading),
          'start a category file with a level-1 heading: # Title {#category-id}',
        );
        this.rootSection = null;
        return;
      }
      const section = rootSectionNames[name];
      this.rootSection = section ?? null;
      if (section === undefined) {
        this.diagnostics.warning(
          'unknown-section',
          `unknown section "${attributes.title}" is rendered with the principles`,
          this.source.nodeLocation(heading),
          'the root sections are Summary, Principles, Precedence and Style guides',
        );
        this.draft.principles.push(`**${attributes.title}**\n\n${sectionText()}`.trim());
        return;
      }
      if (this.rootSectionsSeen.has(section)) this.duplicateSection(heading, attributes.title);
      this.rootSectionsSeen.add(section);
      if (section === 'summary') this.draft.globalSummary = joinText(this.draft.globalSummary, sectionText());
      else if (section === 'principles') this.draft.principles.push(sectionText());
      else if (section === 'precedence') this.draft.precedenceText = joinText(this.draft.precedenceText, sectionText());
      else this.draft.principles.push(preamble());
      return;
    }
    const section = categorySectionNames[name];
    this.categorySection = section ?? null;
    if (section === undefined) {
      this.diagnostics.warning(
        'unknown-section',
        `unknown section "${attributes.title}" is rendered with the notes of ${state.category.id}`,
        this.source.nodeLocation(heading),
        'the category sections are Summary, Definitions, Notes, Rules and Style',
      );
      state.notes.push(`**${attributes.title}**\n\n${sectionText()}`.trim());
      return;
    }
    if (state.sections.has(section)) this.duplicateSection(heading, attributes.title);
    state.sections.add(section);
    if (section === 'summary') state.category.summary = joinText(state.category.summary, sectionText());
    else if (section === 'notes') state.notes.push(sectionText());
    else if (section === 'definitions') this.readDefinitions(state, end(heading), this.source.sectionEnd(index, 2));
    else state.notes.push(preamble());
  }

  private duplicateSection(heading: Heading, title: string): void {
    this.diagnostics.error(
      'duplicate-section',
      `section "${title}" appears twice`,
      this.source.nodeLocation(heading),
      'merge the two sections into one',
    );
  }

  private readDefinitions(state: CategoryState, from: number, to: number): void {
    const nodes = this.source.nodesBetween(from, to);
    for (const node of nodes) {
      if (node.type !== 'list') {
        state.notes.push(this.source.text(start(node), end(node)));
        continue;
      }
      for (const item of (node as List).children) {
        const first = item.children[0];
        const last = item.children.at(-1);
        if (!first || !last) continue;
        const text = this.source.text(start(first), end(last));
        if (text === '') continue;
        const definition = parseDefinition(text);
        if (definition.term === '')
          this.diagnostics.warning(
            'definition-without-term',
            'definition has no term',
            this.source.nodeLocation(item),
            'write "- **Term**: what it means"',
          );
        const duplicate = state.category.definitions.find((other) => other.term === definition.term);
        if (duplicate && definition.term !== '')
          this.diagnostics.warning(
            'duplicate-definition',
            `term "${definition.term}" is defined twice in ${state.category.id}`,
            this.source.nodeLocation(item),
            'keep one definition per term',
          );
        state.category.definitions.push(definition);
      }
    }
  }

  private readLevelThree(heading: Heading, index: number, attributes: HeadingAttributes): void {
    if (this.skipping) return;
    const context: HeadingContext = { source: this.source, diagnostics: this.diagnostics, heading, index, attributes };
    if (this.current !== null && this.categorySection === 'rules') {
      const rule = readRule(context, this.current.category, this.draft.invalidRuleIds);
      if (rule) this.current.category.rules.push(rule);
      return;
    }
    if (this.current !== null ? this.categorySection === 'style' : this.rootSection === 'style') {
      const guide = readStyleGuide(context, this.current?.category.id ?? null);
      if (guide) this.draft.styleGuides.push(guide);
      return;
    }
    if (attributes.attributes.has('action'))
      this.diagnostics.warning(
        'misplaced-rule',
        `heading "${attributes.title}" has action= but is not under ## Rules or ## Style guides; it is read as text`,
        this.source.nodeLocation(heading),
        'move it under ## Rules (a category) or ## Style guides (spec.md)',
      );
  }

  /** The location of character `offset` of a heading's line. */
  private at(heading: Heading, offset: number): SourceLocation {
    const location = this.source.nodeLocation(heading);
    return { ...location, column: location.column + offset };
  }

  private firstTextLocation(from: number): SourceLocation {
    const segment = this.source.segments(from, this.source.body.length)[0];
    const body = this.source.body;
    let offset = segment?.start ?? from;
    while (offset < body.length && /\s/.test(body[offset]!)) offset++;
    return this.source.location(offset);
  }
}

function joinText(before: string, after: string): string {
  return [before, after].filter((part) => part !== '').join('\n\n');
}

/** `**Term**: text`, `**Term:** text`, `**Term** — text` or `Term: text`. */
export function parseDefinition(text: string): Definition {
  const bold = /^\*\*(.+?)\*\*\s*(?:[:—–-]\s*)?([\s\S]*)$/.exec(text);
  if (bold) return { term: bold[1]!.replace(/:$/, '').trim(), text: bold[2]!.trim() };
  const plain = /^([^:\n]{1,80}):\s+([\s\S]+)$/.exec(text);
  if (plain) return { term: plain[1]!.trim(), text: plain[2]!.trim() };
  return { term: '', text };
}
