/**
 * The language-neutral model of a route file that the rules read. Extractors build it from the
 * syntax tree at parse time and keep no tree nodes in it (trees live in WebAssembly memory and are
 * reused or freed on the next edit), only offsets and plain values.
 */
import type { OffsetEdit } from '../../types';

export type RouteLanguage = 'javascript' | 'python' | 'php' | 'ruby' | 'go';

/** Headers the rules care about, lower-case. */
export type TrackedHeader = 'www-authenticate' | 'allow' | 'retry-after' | 'proxy-authenticate';
export const TRACKED_HEADERS: readonly TrackedHeader[] = ['www-authenticate', 'allow', 'retry-after', 'proxy-authenticate'];

/**
 * A boolean condition, reduced to what the rules need: who is asking (anonymous or authenticated),
 * whether a permission is tested, which HTTP methods are compared. Everything else is `other`.
 */
export type Condition =
  | { kind: 'not'; arg: Condition }
  | { kind: 'and' | 'or'; args: Condition[] }
  | { kind: 'anonymous' } // true when no user/session/token is there: `!req.user`, `current_user.nil?`
  | { kind: 'authenticated' } // true when one is: `req.user`, `auth()->check()`
  | { kind: 'permission' } // a role, permission, scope or ownership test
  | { kind: 'method'; methods: string[] } // true when the request method is one of these
  | { kind: 'other' };

/** A condition the status is sent under; `holds` false for an else branch or `unless`. */
export interface Guard {
  condition: Condition;
  holds: boolean;
}

/** A place that sends a status, resolved to a number. */
export interface StatusSite {
  code: number;
  /** The code as written (a number, a constant, a symbol, a class name): hover and fix target. */
  start: number;
  end: number;
  /** A short description of the producer, e.g. `res.status()`, `abort()`. */
  producer: string;
  /** Conditions of the enclosing branches, innermost first, through every enclosing function. */
  guards: Guard[];
  /**
   * The enclosing functions, innermost first: the handler and the scopes around it. A header set
   * in one of them (or at top level) counts for this response; one set in a sibling handler does not.
   */
  scopes: Span[];
  /** Headers the producer itself adds (a framework helper such as Rails' request_http_basic_authentication). */
  addsHeaders: TrackedHeader[];
  /** Edits that make this producer send another code, in the same spelling; undefined when there is none. */
  respell(code: number): OffsetEdit[] | undefined;
  /** Edits that set a header on this response; undefined when there is no safe place for them. */
  headerEdit(name: string, value: string): OffsetEdit[] | undefined;
}

export interface Span {
  start: number;
  end: number;
}

/** A string literal (or constant, or key) naming a tracked header, where it occurs. */
export interface HeaderMention {
  header: TrackedHeader;
  start: number;
  end: number;
  /** The innermost function around it; undefined at top level. */
  scope?: Span;
}

/** A token that stands for a status (hover), whether or not it sits in a producer. */
export interface StatusToken {
  code: number;
  start: number;
  end: number;
}

export interface RouteFile {
  /** Whether the file uses a framework's request/response objects at all; nothing else is set when not. */
  qualifies: boolean;
  language?: RouteLanguage;
  sites: StatusSite[];
  tokens: StatusToken[];
  headers: HeaderMention[];
  /** Whether the file is itself a proxy (407 and Proxy-Authenticate are its business). */
  isProxy: boolean;
}

export const emptyRouteFile = (): RouteFile => ({ qualifies: false, sites: [], tokens: [], headers: [], isProxy: false });
