import type { RouteFile } from '../../parsers/routes/model';
import type { Rule } from '../../types';
import { carriesHeader, DEFAULT_CHALLENGE, fix } from './shared';
import { isPermissionDenial } from './unauthorizedForPermission';

/**
 * A 401 with no WWW-Authenticate set in its handler. RFC 9110 §15.5.2: the server generating a
 * 401 MUST send a WWW-Authenticate header with at least one challenge. Framework helpers that add
 * it (Rails' request_http_*_authentication, DRF's NotAuthenticated, Symfony's
 * UnauthorizedHttpException, werkzeug's Unauthorized(www_authenticate=...)) do not fire.
 */
export const unauthorizedWithoutChallenge: Rule<RouteFile> = {
  id: 'routes/401-without-challenge',
  family: 'routes',
  severity: 'warning',
  check({ parsed, report }) {
    for (const site of parsed.sites) {
      if (site.code !== 401 || carriesHeader(parsed, site, 'www-authenticate')) continue;
      // A 401 that should be a 403 is reported as such; adding a challenge to it would be wrong.
      if (isPermissionDenial(site)) continue;
      const add = fix(`Add \`WWW-Authenticate: ${DEFAULT_CHALLENGE}\``, site.headerEdit('WWW-Authenticate', DEFAULT_CHALLENGE));
      report({
        start: site.start,
        end: site.end,
        message:
          '401 without a WWW-Authenticate header in this handler. RFC 9110 §15.5.2: a 401 MUST carry at least one challenge ' +
          '(e.g. `Bearer`, `Basic realm="..."`), or clients cannot tell how to authenticate.',
        fixes: add ? [add] : [],
      });
    }
  },
};
