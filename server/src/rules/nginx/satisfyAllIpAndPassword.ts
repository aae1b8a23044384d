import { effective, isHttpLevel } from '../../analysis/nginxConfig';
import type { Rule } from '../../types';
import { authInScope, badPlacements, inDocument, insertBefore, type NginxParsed } from './support';

/**
 * allow/deny ending in `deny all` plus a password (auth_basic, auth_request) under the default
 * `satisfy all` needs both: other addresses get 403 even with the right password, allowed ones
 * still get 401 first (measured: N9b). With `satisfy any` either is enough (N9a). Often meant,
 * sometimes not: an info to make the behaviour visible.
 */
export const satisfyAllIpAndPassword: Rule<NginxParsed> = {
  id: 'nginx/satisfy-all-ip-and-password',
  family: 'nginx',
  severity: 'info',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('deny')) {
      if (d.args[0]?.value !== 'all') continue;
      const { placements } = badPlacements(parsed, (p) => {
        const level = parsed.levelOf(d.parent, p);
        if (!isHttpLevel(level)) return false;
        const rules = effective(level, ['allow', 'deny']);
        if (rules.kind !== 'set' || rules.level !== level || !rules.entries.some((e) => e.directive.name === 'allow')) return false;
        if (rules.entries[rules.entries.length - 1]!.directive !== d) return false;
        // Only a real password check counts here; an unknown outer level is not assumed to have one.
        const auth = ['auth_basic', 'auth_request'].some((n) => {
          const look = effective(level, [n]);
          return look.kind === 'set' && look.entries[look.entries.length - 1]!.directive.args[0]?.value !== 'off';
        });
        if (!auth || !authInScope(level)) return false;
        const satisfy = effective(level, ['satisfy']);
        return satisfy.kind === 'unset' || (satisfy.kind === 'set' && satisfy.entries[satisfy.entries.length - 1]!.directive.args[0]?.value === 'all');
      });
      if (!placements.length) continue;
      const level = parsed.levelOf(d.parent, placements[0]!);
      const firstRule = effective(level, ['allow', 'deny']);
      const anchor = firstRule.kind === 'set' ? inDocument(parsed, firstRule.entries[0]!) : undefined;
      report({
        start: d.nameStart,
        end: d.end,
        message:
          'Clients from other addresses get 403 Forbidden even with the right password, and allowed addresses still get 401 until they log in: ' +
          'with the default "satisfy all" both the address and the password must pass (measured: N9b). If either should be enough, add "satisfy any;" (N9a).',
        fixes: anchor ? [{ title: 'Let either the address or the password admit (`satisfy any;`)', edits: [insertBefore(parsed.text, anchor, ['satisfy any;'])] }] : [],
      });
    }
  },
};
