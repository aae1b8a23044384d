/**
 * Route-file analysis: qualify by text, parse with tree-sitter (reusing the previous tree), then
 * extract a plain model of status sites, status tokens and header mentions for hovers and rules.
 */
import type { Node } from 'web-tree-sitter';
import { loadGrammar } from './grammars';
import { forgetTree, parseWithReuse } from './incremental';
import { emptyRouteFile, TRACKED_HEADERS, type HeaderMention, type RouteFile, type RouteLanguage, type TrackedHeader } from './model';
import { forgetVerdict, grammarFor, qualifies } from './qualify';
import { dedupeSites, innermostScope, placeOf, resetSyntaxCaches, sortTokens, stringValue, type Extracted, type Place } from './syntax';
import * as javascript from './javascript';
import * as python from './python';
import * as php from './php';
import * as ruby from './ruby';
import * as go from './go';

export type { RouteFile } from './model';

interface Extractor {
  extract(root: Node, text: string): Extracted;
  /** Node types that may name a header: string literals, and keys or constants in header spelling. */
  stringTypes: string[];
  handlerTypes: ReadonlySet<string>;
}

const EXTRACTORS: Record<RouteLanguage, Extractor> = {
  javascript: { extract: javascript.extractJavaScript, stringTypes: javascript.JS_STRING_TYPES, handlerTypes: javascript.HANDLERS },
  python: { extract: python.extractPython, stringTypes: python.PY_STRING_TYPES, handlerTypes: python.HANDLERS },
  php: { extract: php.extractPhp, stringTypes: php.PHP_STRING_TYPES, handlerTypes: php.HANDLERS },
  ruby: { extract: ruby.extractRuby, stringTypes: ruby.RUBY_STRING_TYPES, handlerTypes: ruby.HANDLERS },
  go: { extract: go.extractGo, stringTypes: go.GO_STRING_TYPES, handlerTypes: go.HANDLERS },
};

/**
 * The tracked header a literal or a name stands for: the string `'WWW-Authenticate'` (any case),
 * or a constant in header spelling (`HeaderWWWAuthenticate`, `Allow`), never a plain `allow`.
 */
function trackedHeader(raw: string, literal: boolean): TrackedHeader | undefined {
  if (literal) {
    const value = raw.trim().toLowerCase();
    return TRACKED_HEADERS.find((h) => h === value);
  }
  if (!/^(Header)?[A-Z]/.test(raw)) return undefined;
  const squashed = raw.toLowerCase().replace(/[^a-z]/g, '').replace(/^header(?=.)/, '');
  return TRACKED_HEADERS.find((h) => h.replace(/-/g, '') === squashed);
}

/** Where a header name may be written; every hit is confirmed on the syntax tree. */
const HEADER_WORDS = /www-authenticate|retry-after|proxy-authenticate|allow|WWWAuthenticate|RetryAfter|ProxyAuthenticate|WWW_AUTHENTICATE|RETRY_AFTER/gi;

/**
 * String literals (and header constants) that name a tracked header. The text is searched for the
 * names first and only those places are looked up in the tree: visiting every string node of a
 * big file costs more than the whole rest of the analysis.
 */
function headerMentions(root: Node, text: string, extractor: Extractor): HeaderMention[] {
  const out: HeaderMention[] = [];
  const seen = new Set<number>();
  for (const m of text.matchAll(HEADER_WORDS)) {
    const hit = root.descendantForIndex(m.index!, m.index! + m[0].length);
    if (!hit) continue;
    // From the token at the hit up to its string literal (content → string, at most a few levels).
    let at: Place | undefined = placeOf(hit);
    for (let depth = 0; at && depth < 3 && !extractor.stringTypes.includes(at.node.type); depth++) at = at.up;
    if (!at || !extractor.stringTypes.includes(at.node.type)) continue;
    const n = at.node;
    if (seen.has(n.startIndex)) continue;
    seen.add(n.startIndex);
    const literal = /string|literal/.test(n.type);
    const value = literal ? stringValue(n) : n.text;
    if (value === undefined || value.length > 40) continue;
    const header = trackedHeader(value, literal);
    if (!header) continue;
    const scope = innermostScope(at.up, extractor.handlerTypes);
    out.push({ header, start: n.startIndex, end: n.endIndex, ...(scope ? { scope } : {}) });
  }
  return out;
}

/** Files that are proxies themselves (they read Proxy-Authorization, build a proxy): a 407 is theirs to send. */
const PROXY_SIGNS = /proxy-authori[sz]ation|http-proxy|httputil\.NewSingleHostReverseProxy|ReverseProxy\b|goproxy|mitmproxy/i;

export async function parseRouteFile(uri: string, languageId: string, text: string): Promise<RouteFile> {
  const target = grammarFor(languageId, uri);
  if (!target || !qualifies(uri, text, target.language)) {
    // Not (or no longer) a route file: drop any tree we kept for it.
    forgetTree(uri);
    return emptyRouteFile();
  }
  const grammar = await loadGrammar(target.grammar);
  if (!grammar) return emptyRouteFile();
  const tree = parseWithReuse(uri, target.grammar, grammar, text);
  if (!tree) return emptyRouteFile();
  const extractor = EXTRACTORS[target.language];
  resetSyntaxCaches();
  try {
    const { sites, tokens } = extractor.extract(tree.rootNode, text);
    return {
      qualifies: true,
      language: target.language,
      sites: dedupeSites(sites),
      tokens: sortTokens(tokens),
      headers: headerMentions(tree.rootNode, text, extractor),
      isProxy: PROXY_SIGNS.test(text),
    };
  } finally {
    // The caches hold this tree's nodes; the tree is edited or freed after this.
    resetSyntaxCaches();
  }
}

/** Drops what is kept for a closed document: its syntax tree and its route-file verdict. */
export function forgetRouteFile(uri: string): void {
  forgetTree(uri);
  forgetVerdict(uri);
}
