import type { Fix, Rule } from '../../types';
import { numericArg, type NginxParsed } from './support';

/** Targets that are plain files: their own status is 200, whatever error sent the client there. */
const STATIC_PAGE = /\.(?:html?|txt|json|xml|svg|png|jpe?g|gif|ico|css|js)$/i;

/**
 * `error_page 404 = /page.html`: a bare `=` gives the client the status of the error page
 * itself, 200 for a static file (N7c). A named location or a script as target is the usual
 * fallback idiom (the backend decides the status), so only static pages are flagged.
 */
export const errorPageMasksStatus: Rule<NginxParsed> = {
  id: 'nginx/error-page-masks-status',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('error_page')) {
      const eq = d.args.findIndex((a) => a.value === '=' && !a.quote);
      if (eq < 1 || eq !== d.args.length - 2) continue;
      const codes = d.args.slice(0, eq).map((a) => numericArg(a.value)).filter((c): c is number => c !== undefined);
      const target = d.args[d.args.length - 1]!.value;
      if (!codes.some((c) => c >= 400) || target.startsWith('@') || /^https?:/.test(target) || !STATIC_PAGE.test(target.split('?')[0]!)) continue;
      const equals = d.args[eq]!;
      const next = d.args[eq + 1]!;
      const fixes: Fix[] = [
        { title: 'Keep the original status (drop the `=`)', preferred: true, edits: [{ start: equals.start, end: next.start, newText: '' }] },
      ];
      if (codes.every((c) => c === 403 || c === 404)) {
        fixes.push({ title: 'Answer 404 Not Found (`=404`)', edits: [{ start: equals.start, end: equals.end, newText: '=404' }] });
      }
      report({
        start: equals.start,
        end: equals.end,
        message:
          `Clients get ${target}'s own status, 200 OK for a static page, instead of ${codes.join('/')}: a bare "=" takes the status of the error page (measured: N7c). ` +
          `Caches, crawlers and monitors then treat the error as success. Drop the "=" to keep the original status, or write "=404".`,
        fixes,
      });
    }
  },
};
