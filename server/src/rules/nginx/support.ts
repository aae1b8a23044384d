/** Helpers shared by the nginx rules: status arguments, headers, placements and edits. */
import { effective, type Entry, type Level, type NginxParsed, type Placement } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { OffsetEdit } from '../../types';
import { eolOf, indentAt } from '../text';

export type { NginxParsed };

/** A plain numeric argument (`404`), not a variable or `${VAR}` placeholder. */
export function numericArg(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The code of `return code [...]`; undefined for `return URL` and variables. */
export function returnCode(d: NginxDirective): number | undefined {
  return d.name === 'return' && !d.args[0]?.quote ? numericArg(d.args[0]?.value) : undefined;
}

/** The header name of an add_header, lowercased. */
export function headerName(d: NginxDirective): string | undefined {
  return d.name === 'add_header' ? d.args[0]?.value.toLowerCase() : undefined;
}

/** `add_header name value always`. */
export function hasAlways(d: NginxDirective): boolean {
  return d.args.length >= 3 && d.args[d.args.length - 1]!.value === 'always';
}

/** How header names are written in messages. */
export function displayHeader(d: NginxDirective): string {
  return d.args[0]?.value ?? '';
}

/** The children of the block a directive sits in (the file's top when it has no parent). */
export function siblingsOf(parsed: NginxParsed, d: NginxDirective): NginxDirective[] {
  return d.parent?.block ? d.parent.block.children : parsed.tree.directives;
}

/** The directive of the document an entry stands for: itself, or the include that brought it in. */
export function inDocument(parsed: NginxParsed, e: Entry): NginxDirective | undefined {
  if (e.file === parsed.doc) return e.directive;
  if (e.via && e.via.file === parsed.doc) return e.via.directive;
  return undefined;
}

/** Whether `d` is the first code on its line (so a new line can be inserted above it). */
function firstOnLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return text.slice(lineStart, offset).trim() === '';
}

/** Inserts `lines` (directives without indentation) just before `d`, one per line at `d`'s indentation. */
export function insertBefore(text: string, d: NginxDirective, lines: string[]): OffsetEdit {
  if (firstOnLine(text, d.start)) {
    const lineStart = text.lastIndexOf('\n', d.start - 1) + 1;
    const indent = indentAt(text, d.start);
    const eol = eolOf(text);
    return { start: lineStart, end: lineStart, newText: lines.map((l) => `${indent}${l}${eol}`).join('') };
  }
  return { start: d.start, end: d.start, newText: lines.map((l) => `${l} `).join('') };
}

/** Inserts `lines` just after `d`: on new lines at its indentation when it ends its line, else on the same line. */
export function insertAfter(text: string, d: NginxDirective, lines: string[]): OffsetEdit {
  const nl = text.indexOf('\n', d.end);
  const rest = text.slice(d.end, nl < 0 ? text.length : nl);
  if (firstOnLine(text, d.start) && /^\s*(#.*)?$/.test(rest.replace(/\r$/, ''))) {
    const indent = indentAt(text, d.start);
    const eol = eolOf(text);
    if (nl < 0) return { start: text.length, end: text.length, newText: lines.map((l) => `${eol}${indent}${l}`).join('') };
    return { start: nl + 1, end: nl + 1, newText: lines.map((l) => `${indent}${l}${eol}`).join('') };
  }
  return { start: d.end, end: d.end, newText: lines.map((l) => ` ${l}`).join('') };
}

/** The source text of a directive from any file, on one line when it was written on one. */
export function sourceOf(e: Entry): string {
  return e.file.text.slice(e.directive.start, e.directive.end);
}

/** "line 12" or "nginx.conf line 12", for pointing at a directive from a message. */
export function where(parsed: NginxParsed, e: Entry): string {
  const line = e.file.text.slice(0, e.directive.start).split('\n').length;
  if (e.file === parsed.doc) return `line ${line}`;
  const name = e.file.path ? e.file.path.split(/[\\/]/).pop() : e.file.key;
  return `${name} line ${line}`;
}

/** The placements in which `bad` holds; a message suffix naming them when the file has several. */
export function badPlacements(parsed: NginxParsed, bad: (p: Placement) => boolean): { placements: Placement[]; note: string } {
  const placements = parsed.placements.filter(bad);
  const note =
    placements.length && parsed.placements.length > 1
      ? ` (where included from ${placements.map((p) => p.label).join(', ')})`
      : placements.length === 1 && placements[0]!.label
        ? ` (as included from ${placements[0]!.label})`
        : '';
  return { placements, note };
}

/** What a level's block is called in messages: "location /api", "server", "http". */
export function levelName(level: Level): string {
  const b = level.block;
  if (!b) return level.context === 'unknown' ? 'the top of this file' : level.context;
  return [b.name, ...b.args.map((a) => a.value)].join(' ');
}

/** The reason phrases StatusLens uses in messages. */
export const REASON: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 407: 'Proxy Authentication Required',
  408: 'Request Timeout', 410: 'Gone', 413: 'Content Too Large', 429: 'Too Many Requests', 444: '(no response)', 499: '(no response)',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function statusText(code: number): string {
  const reason = REASON[code];
  return reason && !reason.startsWith('(') ? `${code} ${reason}` : `${code}`;
}

/**
 * Whether an `error_page` in effect at a level turns `code` into another status
 * (`=`, `=other` or a redirect URL), so that the client never sees `code`. Unknown counts as "maybe".
 */
export function errorPageChanges(level: Level, code: number): boolean {
  const look = effective(level, ['error_page']);
  if (look.kind === 'unknown') return true;
  if (look.kind !== 'set') return false;
  for (const e of look.entries) {
    const args = e.directive.args.map((a) => a.value);
    const eq = args.findIndex((a) => a.startsWith('='));
    const codes = (eq >= 0 ? args.slice(0, eq) : args.slice(0, -1)).map(Number);
    if (!codes.includes(code)) continue;
    if (eq >= 0 && args[eq] !== `=${code}`) return true;
    // `error_page 401 https://…` answers with a redirect (302) instead.
    if (/^https?:\/\//.test(args[args.length - 1] ?? '')) return true;
  }
  return false;
}

/**
 * The add_header lines to insert at level `target` together with `newLines`: when `target` has no
 * add_header of its own, adding one would drop every inherited header (N8), so those are repeated.
 */
export function withInheritedHeaders(target: Level, newLines: string[]): string[] {
  if (target.named('add_header').length || !target.parent) return newLines;
  const up = effective(target.parent, ['add_header']);
  if (up.kind !== 'set') return newLines;
  return [...up.entries.map(sourceOf), ...newLines];
}

/** Whether a header is sent on error responses at a level: add_header … always, or headers-more. */
export function sendsHeaderOnErrors(level: Level, lowerName: string): 'yes' | 'without-always' | 'no' | 'unknown' {
  const look = effective(level, ['add_header']);
  if (look.kind === 'unknown') return 'unknown';
  let result: 'yes' | 'without-always' | 'no' = 'no';
  if (look.kind === 'set') {
    for (const e of look.entries) {
      if (headerName(e.directive) !== lowerName) continue;
      if (hasAlways(e.directive)) return 'yes';
      result = 'without-always';
    }
  }
  // headers-more's more_set_headers sets headers on every status unless told otherwise.
  const more = effective(level, ['more_set_headers']);
  if (more.kind === 'unknown') return 'unknown';
  if (more.kind === 'set' && more.entries.some((e) => e.directive.args.some((a) => a.value.toLowerCase().startsWith(`${lowerName}:`)))) return 'yes';
  return result;
}

/** Whether an auth module (auth_basic, auth_request, auth_jwt) is on at a level; unknown counts as on. */
export function authInScope(level: Level): boolean {
  for (const name of ['auth_basic', 'auth_request', 'auth_jwt']) {
    const look = effective(level, [name]);
    if (look.kind === 'unknown') return true;
    if (look.kind === 'set' && look.entries[look.entries.length - 1]!.directive.args[0]?.value !== 'off') return true;
  }
  return false;
}
