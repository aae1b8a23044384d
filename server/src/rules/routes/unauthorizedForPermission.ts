import { mayBeAnonymous, testsPermission } from '../../parsers/routes/syntax';
import type { RouteFile, StatusSite } from '../../parsers/routes/model';
import type { Rule } from '../../types';
import { fix } from './shared';

/** A 401 sent where the branch tests what a signed-in user may do, and never that nobody is signed in. */
export function isPermissionDenial(site: StatusSite): boolean {
  return site.code === 401 && site.guards.some((g) => testsPermission(g.condition)) && !site.guards.some((g) => mayBeAnonymous(g.condition, g.holds));
}

/**
 * A 401 sent in a branch that tests a role, permission, scope or ownership: the user is known and
 * lacks the right, which is 403 (RFC 9110 §15.5.4). A 401 there asks for credentials the client
 * already sent (RFC 9110 §15.5.2), and clients retry or prompt in a loop.
 */
export const unauthorizedForPermission: Rule<RouteFile> = {
  id: 'routes/401-for-insufficient-permission',
  family: 'routes',
  severity: 'warning',
  check({ parsed, report }) {
    for (const site of parsed.sites) {
      if (!isPermissionDenial(site)) continue;
      const change = fix('Change to 403', site.respell(403));
      report({
        start: site.start,
        end: site.end,
        message:
          '401 sent for a missing role, permission, scope or ownership. The user is authenticated and not allowed: that is 403 ' +
          '(RFC 9110 §15.5.4). 401 asks for credentials again (RFC 9110 §15.5.2), which cannot help.',
        fixes: change ? [change] : [],
      });
    }
  },
};
