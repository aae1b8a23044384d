import { effective, isHttpLevel } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { Fix, Rule } from '../../types';
import { badPlacements, insertAfter, type NginxParsed } from './support';

const LIMITS = [
  { directive: 'limit_req', status: 'limit_req_status', zone: 'limit_req_zone', dryRun: 'limit_req_dry_run', evidence: 'N4b', who: 'Throttled clients' },
  { directive: 'limit_conn', status: 'limit_conn_status', zone: 'limit_conn_zone', dryRun: 'limit_conn_dry_run', evidence: 'N4d', who: 'Clients over the connection limit' },
] as const;

/**
 * limit_req and limit_conn reject with 503 unless limit_req_status / limit_conn_status says
 * otherwise (N4b, N4d; 429 only when asked for: N4c, N4e). In a snippet whose includer is
 * unknown, an outer level might set the status, so the rule stays quiet there.
 */
export const limitStatus503: Rule<NginxParsed> = {
  id: 'nginx/limit-status-503',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, report }) {
    for (const limit of LIMITS) {
      for (const d of parsed.named(limit.directive)) {
        const { placements, note } = badPlacements(parsed, (p) => {
          const level = parsed.levelOf(d.parent, p);
          if (!isHttpLevel(level)) return false;
          if (effective(level, [limit.status]).kind !== 'unset') return false;
          const dry = effective(level, [limit.dryRun]);
          return !(dry.kind === 'set' && dry.entries[dry.entries.length - 1]!.directive.args[0]?.value === 'on');
        });
        if (!placements.length) continue;
        const fixes: Fix[] = [
          { title: `Insert \`${limit.status} 429;\` after this line`, preferred: true, edits: [insertAfter(parsed.text, d, [`${limit.status} 429;`])] },
        ];
        const zoneFix = zoneLevelFix(parsed, d, limit.zone, limit.status);
        if (zoneFix) fixes.push(zoneFix);
        report({
          start: d.nameStart,
          end: d.end,
          message:
            `${limit.who} get 503 Service Unavailable, not 429 Too Many Requests: ${limit.directive} rejects with 503 unless ${limit.status} is set ` +
            `(measured on nginx 1.22: ${limit.evidence})${note}. Monitors and clients read 503 as "server down", and retry logic built for 429 never runs.`,
          fixes,
        });
      }
    }
  },
};

/** Setting the status once at the level of the zone (usually http) covers every limit below it. */
function zoneLevelFix(parsed: NginxParsed, d: NginxDirective, zoneName: string, statusName: string): Fix | undefined {
  const p = parsed.placements[0]!;
  const here = parsed.levelOf(d.parent, p);
  for (const zone of parsed.lookup(zoneName)) {
    if (zone.parent === d.parent) continue; // the same level: the first fix already does this
    const zoneLevel = parsed.levelOf(zone.parent, p);
    if (zoneLevel.context !== 'http' && zoneLevel.context !== 'unknown') continue;
    for (const l of here.ancestry()) {
      if (l !== zoneLevel) continue;
      return { title: `Set \`${statusName} 429;\` for the whole ${zoneLevel.context === 'http' ? 'http block' : 'file'} (after ${zoneName})`, edits: [insertAfter(parsed.text, zone, [`${statusName} 429;`])] };
    }
  }
  return undefined;
}
