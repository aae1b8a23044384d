/**
 * Keeps the last syntax tree of each open route file so the next version parses incrementally:
 * the old tree is edited to match the new text (`tree.edit`) and handed to `parser.parse`, which
 * then re-reads only what changed. The service gives us whole documents, not change events, so the
 * edit is the span between the longest common prefix and suffix of the two texts.
 */
import { Parser, type Edit, type Language, type Point, type Tree } from 'web-tree-sitter';
import type { GrammarId } from './grammars';

interface Entry {
  grammar: GrammarId;
  text: string;
  tree: Tree;
}

/** Open documents rarely exceed this; the least recently parsed tree is freed beyond it. */
const MAX_TREES = 24;

const trees = new Map<string, Entry>();
const parsers = new Map<GrammarId, Parser>();

function parserFor(grammar: GrammarId, language: Language): Parser {
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(grammar, parser);
  }
  return parser;
}

/** Row and column (UTF-16 code units, as web-tree-sitter reports them) of an offset. */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The lengths of the common prefix and suffix of two texts (not overlapping). */
export function commonAffixes(before: string, after: string): { prefix: number; suffix: number } {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}

/** The single edit that turns `before` into `after`, or undefined when they are equal. */
export function diffEdit(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  const { prefix, suffix } = commonAffixes(before, after);
  const oldEndIndex = before.length - suffix;
  const newEndIndex = after.length - suffix;
  return {
    startIndex: prefix,
    oldEndIndex,
    newEndIndex,
    startPosition: pointAt(before, prefix),
    oldEndPosition: pointAt(before, oldEndIndex),
    newEndPosition: pointAt(after, newEndIndex),
  };
}

/** Statistics for tests and the benchmark: how many parses reused a tree, how many ran out of time. */
export const parseStats = { full: 0, incremental: 0, overBudget: 0 };

/**
 * How long a parse may take. Ordinary files parse in well under 1 ms per KB; tree-sitter's error
 * recovery is superlinear on some broken text (a long run of quotes: 34 KB took 5 s), and the
 * server is blocked meanwhile, so a parse that runs over is cancelled and the version skipped.
 */
export function parseBudgetMs(text: string): number {
  return 400 + text.length / 100;
}

const warned = new Set<string>();

/**
 * Parses `text` for `uri`, reusing the previous tree of that uri when there is one of the same
 * grammar. The returned tree stays owned by the cache: callers read it synchronously and never
 * keep nodes (the next parse of that uri deletes it).
 */
export function parseWithReuse(uri: string, grammar: GrammarId, language: Language, text: string): Tree | undefined {
  const parser = parserFor(grammar, language);
  const previous = trees.get(uri);
  const deadline = performance.now() + parseBudgetMs(text);
  // Returning true cancels the parse (web-tree-sitter's typings say void; the binding reads the result).
  const options = { progressCallback: () => performance.now() > deadline };
  let tree: Tree | null;
  if (previous && previous.grammar === grammar) {
    if (previous.text === text) {
      touch(uri, previous);
      return previous.tree;
    }
    const edit = diffEdit(previous.text, text)!;
    previous.tree.edit(edit);
    tree = parser.parse(text, previous.tree, options);
    parseStats.incremental++;
  } else {
    tree = parser.parse(text, null, options);
    parseStats.full++;
  }
  if (previous) {
    previous.tree.delete();
    trees.delete(uri);
  }
  if (!tree) {
    // Cancelled: start the next parse afresh instead of resuming this one.
    parser.reset();
    parseStats.overBudget++;
    if (!warned.has(uri)) {
      warned.add(uri);
      console.warn(`statuslens: parsing ${uri} took longer than ${parseBudgetMs(text).toFixed(0)} ms; route checks skipped for this version`);
    }
    return undefined;
  }
  touch(uri, { grammar, text, tree });
  while (trees.size > MAX_TREES) {
    const [oldest, entry] = trees.entries().next().value as [string, Entry];
    entry.tree.delete();
    trees.delete(oldest);
  }
  return tree;
}

function touch(uri: string, entry: Entry) {
  // Map order is insertion order: re-inserting makes this the most recent.
  trees.delete(uri);
  trees.set(uri, entry);
}

/** Frees the tree of a closed document (or of one that no longer qualifies). */
export function forgetTree(uri: string): void {
  const entry = trees.get(uri);
  if (!entry) return;
  entry.tree.delete();
  trees.delete(uri);
}

export function cachedTreeCount(): number {
  return trees.size;
}
