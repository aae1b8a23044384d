import { impliesAnonymous } from '../../parsers/routes/syntax';
import type { RouteFile } from '../../parsers/routes/model';
import type { Fix, Rule } from '../../types';
import { carriesHeader, DEFAULT_CHALLENGE, fix } from './shared';

/**
 * A 403 sent in a branch that runs only when nobody is signed in (`!req.user`,
 * `not current_user.is_authenticated`, `current_user.nil?`, `user == nil`). That client has not
 * authenticated: the answer is 401 with a challenge (RFC 9110 §15.5.2), which lets it sign in;
 * 403 says who is asking is known and refused (RFC 9110 §15.5.4).
 */
export const forbiddenForMissingAuth: Rule<RouteFile> = {
  id: 'routes/403-for-missing-auth',
  family: 'routes',
  severity: 'warning',
  check({ parsed, report }) {
    for (const site of parsed.sites) {
      if (site.code !== 403 || !site.guards.some((g) => impliesAnonymous(g.condition, g.holds))) continue;
      const respell = site.respell(401);
      const challenge = carriesHeader(parsed, site, 'www-authenticate') ? undefined : site.headerEdit('WWW-Authenticate', DEFAULT_CHALLENGE);
      const change = challenge
        ? fix(`Change to 401 and add \`WWW-Authenticate: ${DEFAULT_CHALLENGE}\``, respell, challenge)
        : fix('Change to 401', respell);
      const fixes: Fix[] = change ? [change] : [];
      report({
        start: site.start,
        end: site.end,
        message:
          '403 sent when nobody is signed in. An unauthenticated client should get 401 with a WWW-Authenticate challenge ' +
          '(RFC 9110 §15.5.2) so it can log in; 403 means the server knows who is asking and refuses (RFC 9110 §15.5.4).',
        fixes,
      });
    }
  },
};
