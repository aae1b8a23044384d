import type { NginxDirective } from '../../parsers/nginx';
import type { Rule } from '../../types';
import { lineRangeOf } from '../text';
import type { NginxParsed } from './support';

/**
 * nginx checks allow/deny in order and stops at the first match, so an `allow` after
 * `deny all` in the same block is never reached: those clients get 403 (N1a).
 */
export const allowAfterDenyAll: Rule<NginxParsed> = {
  id: 'nginx/allow-after-deny-all',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, document, report }) {
    const text = document.getText();
    // The file's top is judged with the whole document, not with one server block.
    const blocks: NginxDirective[][] = parsed.scope ? [] : [parsed.tree.directives];
    for (const d of parsed.directives) if (d.block?.kind === 'directives') blocks.push(d.block.children);
    for (const children of blocks) {
      const denyAll = children.find((d) => d.name === 'deny' && d.args[0]?.value === 'all');
      if (!denyAll) continue;
      const lateAllows = children.filter((d) => d.name === 'allow' && d.start > denyAll.start);
      if (!lateAllows.length) continue;
      const lastAllow = lateAllows[lateAllows.length - 1]!;
      // Fix: move the `deny all;` line to just after the last allow.
      const denyLine = lineRangeOf(text, denyAll.start, denyAll.end);
      const afterAllow = lineRangeOf(text, lastAllow.start, lastAllow.end);
      const fixes = denyLine.whole && afterAllow.whole
        ? [{
            title: 'Move `deny all;` after the last allow',
            preferred: true,
            edits: [
              { start: denyLine.start, end: denyLine.end, newText: '' },
              { start: afterAllow.end, end: afterAllow.end, newText: text.slice(denyLine.start, denyLine.end) },
            ],
          }]
        : [];
      for (const allow of lateAllows) {
        report({
          start: allow.start,
          end: allow.end,
          message: `This allow is never reached: "deny all" above it already answered 403 Forbidden to every client, because nginx stops at the first matching allow/deny (N1a).`,
          fixes,
        });
      }
    }
  },
};
