import { effective, isHttpLevel, matchLocation, type Level } from '../../analysis/nginxConfig';
import type { Fix, Rule } from '../../types';
import { badPlacements, insertAfter, levelName, numericArg, returnCode, type NginxParsed } from './support';

/** Whether every client is refused at a level: its first allow/deny rule in effect is `deny all`, or it returns 4xx. */
function refusedAt(level: Level): string | undefined {
  for (const e of level.entries()) {
    const code = returnCode(e.directive);
    if (code !== undefined) return code >= 400 ? `returns ${code}` : undefined;
  }
  const rules = effective(level, ['allow', 'deny']);
  if (rules.kind !== 'set') return undefined;
  const first = rules.entries[0]!.directive;
  return first.name === 'deny' && first.args[0]?.value === 'all' ? 'denies all' : undefined;
}

/**
 * An error page served from a location that refuses every client is never shown: nginx falls
 * back to its built-in page (measured: N7d).
 */
export const errorPageDenied: Rule<NginxParsed> = {
  id: 'nginx/error-page-denied',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('error_page')) {
      const target = d.args[d.args.length - 1];
      if (!target || d.args.length < 2 || !target.value.startsWith('/') || target.value.includes('$')) continue;
      const uri = target.value.split('?')[0]!;
      const codes = d.args.slice(0, -1).map((a) => numericArg(a.value.replace(/^=/, ''))).filter((c): c is number => c !== undefined);
      let reason = '';
      let servingName = '';
      const { placements, note } = badPlacements(parsed, (p) => {
        const level = parsed.levelOf(d.parent, p);
        const server = level.nearest('server');
        if (!server || server.openAbove || !isHttpLevel(server)) return false;
        const m = matchLocation(server, uri);
        if (!m.certain) return false;
        const serving = m.location?.level ?? server;
        const why = refusedAt(serving);
        if (!why) return false;
        reason ||= why;
        servingName ||= levelName(serving);
        return true;
      });
      if (!placements.length) continue;
      const fixes: Fix[] = [];
      // A server-level error_page can get its own exact location; inside a location it would be "outside" it.
      if (!d.parent || d.parent.name === 'server') {
        fixes.push({ title: `Serve ${uri} from its own location (\`location = ${uri} { allow all; internal; }\`)`, preferred: true, edits: [insertAfter(parsed.text, d, [`location = ${uri} { allow all; internal; }`])] });
      }
      report({
        start: target.start,
        end: target.end,
        message:
          `Clients never see ${uri}: it is served by ${servingName}, which ${reason}, so nginx falls back to its built-in ${codes[0] ?? 'error'} page (measured: N7d)${note}. ` +
          'Give the page a location of its own that allows it, e.g. "location = ' + uri + ' { allow all; internal; }".',
        fixes,
      });
    }
  },
};
