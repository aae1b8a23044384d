/** What the route rules share: whether a response carries a header, and how to word fixes. */
import type { HeaderMention, RouteFile, Span, StatusSite, TrackedHeader } from '../../parsers/routes/model';
import type { Fix, OffsetEdit } from '../../types';

export const sameSpan = (a: Span, b: Span) => a.start === b.start && a.end === b.end;

/**
 * Whether the response of `site` carries `header`: the producer adds it itself, or the header is
 * named at top level, in the site's handler or a function around it, or in a callback inside the
 * handler. A header set in another handler of the same file does not count.
 */
export function carriesHeader(file: RouteFile, site: StatusSite, header: TrackedHeader): boolean {
  if (site.addsHeaders.includes(header)) return true;
  const innermost = site.scopes[0];
  return file.headers.some((m: HeaderMention) => {
    if (m.header !== header) return false;
    if (!m.scope) return true;
    if (site.scopes.some((s) => sameSpan(s, m.scope!))) return true;
    return !!innermost && m.scope.start >= innermost.start && m.scope.end <= innermost.end;
  });
}

/** A fix from optional pieces; undefined when a required piece is missing. */
export function fix(title: string, ...parts: (OffsetEdit[] | undefined)[]): Fix | undefined {
  if (parts.some((p) => p === undefined)) return undefined;
  return { title, preferred: true, edits: parts.flatMap((p) => p ?? []) };
}

/** The default challenge the fixes add; the message asks to adjust the scheme. */
export const DEFAULT_CHALLENGE = 'Bearer';
