import { effective, isHttpLevel, type Entry, type Level } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { Rule } from '../../types';
import { ERROR_ONLY_HEADERS } from './addHeaderMissingAlways';
import { badPlacements, displayHeader, headerName, inDocument, insertBefore, levelName, sourceOf, where, type NginxParsed } from './support';

/**
 * Headers whose loss changes what clients may do or get: security policies (gixy's
 * add_header_redefinition list and their newer siblings), caching and CORS, and the headers
 * that belong to error statuses. Losing a custom `X-Foo` is not reported (gixy's
 * not_secure_*_fp cases), though the fix repeats every dropped header.
 */
const WATCHED = new Set([
  'x-frame-options', 'x-content-type-options', 'x-xss-protection', 'content-security-policy', 'content-security-policy-report-only',
  'strict-transport-security', 'referrer-policy', 'permissions-policy', 'feature-policy', 'cross-origin-opener-policy',
  'cross-origin-embedder-policy', 'cross-origin-resource-policy', 'cache-control', 'access-control-allow-origin',
  'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers', 'x-robots-tag',
  ...Object.keys(ERROR_ONLY_HEADERS),
]);

/** Blocks that take add_header (it is not allowed in `if` at server level, but nginx refuses that itself). */
const HEADER_LEVELS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

/**
 * nginx inherits add_header into a block only when that block has none of its own: one
 * add_header in a location drops every header set above it (N8).
 */
export const addHeaderDropsInherited: Rule<NginxParsed> = {
  id: 'nginx/add-header-drops-inherited',
  family: 'nginx',
  severity: 'warning',
  local: true,
  citesLines: true,
  check({ parsed, report }) {
    for (const block of parsed.directives) {
      if (block.block?.kind !== 'directives') continue;
      let drop: { own: Entry[]; dropped: Entry[]; from: Level } | undefined;
      const { placements, note } = badPlacements(parsed, (p) => {
        const level = parsed.levelOf(block, p);
        if (!HEADER_LEVELS.has(level.context) || !isHttpLevel(level) || !level.parent) return false;
        const own = level.named('add_header');
        if (!own.length) return false;
        const up = effective(level.parent, ['add_header']);
        if (up.kind !== 'set') return false;
        const ownNames = new Set(own.map((e) => headerName(e.directive)));
        const dropped = up.entries.filter((e) => !ownNames.has(headerName(e.directive)));
        if (!dropped.some((e) => WATCHED.has(headerName(e.directive) ?? ''))) return false;
        drop ??= { own, dropped, from: up.level };
        return true;
      });
      if (!placements.length || !drop) continue;
      const { own, dropped, from } = drop;
      const anchor = own.map((e) => inDocument(parsed, e)).find((d): d is NginxDirective => !!d);
      const names = [...new Set(dropped.filter((e) => WATCHED.has(headerName(e.directive) ?? '')).map((e) => displayHeader(e.directive)))];
      const others = new Set(dropped.map((e) => headerName(e.directive))).size - names.length;
      report({
        start: anchor ? anchor.nameStart : block.nameStart,
        end: anchor ? anchor.end : block.nameEnd,
        message:
          `Responses from ${levelName(parsed.levelOf(block, placements[0]!))} lose ${names.join(', ')}${others > 0 ? ` and ${others} more` : ''} ` +
          `(set in ${levelName(from)}, ${where(parsed, dropped[0]!)}): an add_header here replaces every add_header inherited from outer blocks (measured: N8)${note}.`,
        fixes: anchor
          ? [{ title: 'Repeat the inherited add_header lines in this block', preferred: true, edits: [insertBefore(parsed.text, anchor, dropped.map(sourceOf))] }]
          : [],
      });
    }
  },
};
