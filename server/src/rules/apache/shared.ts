/** Helpers shared by the Apache rules: walking, wording that depends on the file, line edits. */
import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { legacyGroups, type LegacyGroup } from '../../analysis/apacheAccess';
import type { ApacheWhere } from '../../analysis/apacheContext';
import { accessScopeOf, inactiveOn24, REQUIRE_CONTAINERS } from '../../analysis/apacheContext';
import { walkApache, type ApacheArg, type ApacheDirective } from '../../parsers/apache';
import type { OffsetEdit } from '../../types';
import { eolOf, indentAt, lineRangeOf } from '../text';

const activeCache = new WeakMap<ApacheParsed, ApacheDirective[]>();

/** Every directive Apache 2.4 reads (2.2-only fallback branches skipped), in document order; computed once per analysis. */
export function activeDirectives(parsed: ApacheParsed): ApacheDirective[] {
  let list = activeCache.get(parsed);
  if (!list) {
    list = [];
    for (const d of walkApache(parsed.file.directives)) if (!inactiveOn24(d)) list.push(d);
    activeCache.set(parsed, list);
  }
  return list;
}

const requireCache = new WeakMap<ApacheParsed, RequireIndex>();

export interface RequireIndex {
  /** Active Require lines by the access scope they sit in (undefined: the file's top level). */
  byScope: Map<ApacheDirective | undefined, ApacheDirective[]>;
  /** Scopes holding a Require that asks for a login, at any depth below them (the file's top level included). */
  loginBelow: Set<ApacheDirective | undefined>;
  /** Scopes holding an active RequireAll/RequireAny/RequireNone (its lines are in `byScope` with the scope's own). */
  containers: Set<ApacheDirective | undefined>;
}

/** Where the file's Require lines are, computed once per analysis (rules ask per section). */
export function requireIndex(parsed: ApacheParsed): RequireIndex {
  let index = requireCache.get(parsed);
  if (!index) {
    index = { byScope: new Map(), loginBelow: new Set(), containers: new Set() };
    for (const d of activeDirectives(parsed)) {
      if (REQUIRE_CONTAINERS.has(d.lname)) index.containers.add(accessScopeOf(d));
      if (d.lname !== 'require') continue;
      const scope = accessScopeOf(d);
      const list = index.byScope.get(scope);
      if (list) list.push(d);
      else index.byScope.set(scope, [d]);
      if (!requireAsksForLogin(d)) continue;
      for (let s: ApacheDirective | undefined = scope; ; s = accessScopeOf(s)) {
        if (index.loginBelow.has(s)) break;
        index.loginBelow.add(s);
        if (!s) break;
      }
    }
    requireCache.set(parsed, index);
  }
  return index;
}

const legacyCache = new WeakMap<ApacheParsed, LegacyGroup[]>();

/** The file's 2.2 access-control groups (see `legacyGroups`), computed once per analysis (two rules judge them). */
export function legacyGroupsOf(parsed: ApacheParsed): LegacyGroup[] {
  let groups = legacyCache.get(parsed);
  if (!groups) legacyCache.set(parsed, (groups = legacyGroups(parsed.file)));
  return groups;
}

/** What a configuration error costs here: a .htaccess error is a 500 per request, a server config error stops start-up. */
export function refusalConsequence(parsed: ApacheParsed): string {
  return parsed.kind === 'htaccess'
    ? 'Apache answers 500 Internal Server Error for every request under this folder'
    : 'Apache refuses the configuration (apache2 -t fails and the server does not start or reload)';
}

export const WHERE_NAMES: Record<ApacheWhere, string> = {
  s: 'the server config',
  v: 'a <VirtualHost>',
  sv: 'the server config',
  d: 'a <Directory> section',
  l: 'a <Location> section',
  f: 'a <Files> section',
  i: 'an <If> section',
  h: '.htaccess',
  p: 'a <Proxy> section',
};

/** The indentation step the file uses (a tab, or four spaces). */
export function indentUnit(text: string): string {
  return /^\t+\S/m.test(text) && !/^ {2,}\S/m.test(text) ? '\t' : '    ';
}

/** Whole lines of a directive, or undefined when other directives share them. */
function wholeLines(text: string, d: ApacheDirective): { start: number; end: number } | undefined {
  const r = lineRangeOf(text, d.start, d.end);
  return r.whole ? r : undefined;
}

/** Line edits replacing `first` by `lines` (indented like it) and deleting `others`; undefined when not line-safe. */
export function replaceLines(text: string, first: ApacheDirective, others: ApacheDirective[], lines: string[]): OffsetEdit[] | undefined {
  const head = wholeLines(text, first);
  if (!head) return undefined;
  const eol = eolOf(text);
  const edits: OffsetEdit[] = [{ start: head.start, end: head.end, newText: lines.map((l) => l + eol).join('') }];
  for (const d of others) {
    const r = wholeLines(text, d);
    if (!r) return undefined;
    edits.push({ start: r.start, end: r.end, newText: '' });
  }
  // Line ranges of different directives never overlap, but a directive listed twice would.
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.start < sorted[i - 1]!.end) return undefined;
  return edits;
}

/** Inserts `lines` after the line(s) of `after`, indented like it. */
export function insertAfter(text: string, after: ApacheDirective, lines: string[]): OffsetEdit | undefined {
  const r = wholeLines(text, after);
  if (!r) return undefined;
  const eol = eolOf(text);
  const indent = indentAt(text, after.start);
  const needsBreak = r.end === text.length && !text.endsWith('\n');
  return { start: r.end, end: r.end, newText: (needsBreak ? eol : '') + lines.map((l) => indent + l + eol).join('') };
}

/** The value of an argument as written between its quotes, when it equals what Apache sees (no escapes, no ${VAR}). */
export function plainArg(arg: ApacheArg): { text: string; offset: number } | undefined {
  const inner = arg.quote ? arg.raw.slice(1, arg.raw.endsWith(arg.quote) && arg.raw.length > 1 ? -1 : undefined) : arg.raw;
  if (inner !== arg.value) return undefined;
  return { text: inner, offset: arg.start + (arg.quote ? 1 : 0) };
}

/** Any `Require` that makes Apache ask who the client is (not `all`, `ip`, `host`, `env`, `method`, `local`). */
export function requireAsksForLogin(d: ApacheDirective): boolean {
  const words = d.args.map((a) => a.value.toLowerCase());
  const entity = words[0] === 'not' ? words[1] : words[0];
  return !!entity && !['all', 'ip', 'host', 'forward-dns', 'env', 'method', 'local', 'expr'].includes(entity);
}
