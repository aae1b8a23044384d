import type { RouteFile } from '../../parsers/routes/model';
import type { OffsetEdit, Rule } from '../../types';
import { fix, sameSpan } from './shared';

/**
 * An application route that sends 407. RFC 9110 §15.5.8: 407 is for a proxy asking the client to
 * authenticate with the proxy (Proxy-Authenticate / Proxy-Authorization); browsers treat it as the
 * proxy's business, not the site's. An origin asking for credentials sends 401. Files that are
 * proxies themselves (they read Proxy-Authorization, build a reverse proxy) do not fire.
 */
export const proxyAuthFromOrigin: Rule<RouteFile> = {
  id: 'routes/407-from-origin',
  family: 'routes',
  severity: 'warning',
  check({ parsed, document, report }) {
    if (parsed.isProxy) return;
    const text = document.getText();
    for (const site of parsed.sites) {
      if (site.code !== 407) continue;
      const respell = site.respell(401);
      // A Proxy-Authenticate header in the handler becomes the origin's WWW-Authenticate.
      const renames: OffsetEdit[] = parsed.headers
        .filter((m) => m.header === 'proxy-authenticate' && (!m.scope || site.scopes.some((s) => sameSpan(s, m.scope!))))
        .filter((m) => /^['"`]/.test(text[m.start] ?? ''))
        .map((m) => ({ start: m.start + 1, end: m.end - 1, newText: 'WWW-Authenticate' }));
      const change = fix(renames.length ? 'Change to 401 and send WWW-Authenticate instead of Proxy-Authenticate' : 'Change to 401', respell, renames);
      report({
        start: site.start,
        end: site.end,
        message:
          '407 sent by an application route. 407 Proxy Authentication Required is for proxies, with Proxy-Authenticate ' +
          '(RFC 9110 §15.5.8); a site that needs credentials answers 401 with WWW-Authenticate (RFC 9110 §15.5.2).',
        fixes: change ? [change] : [],
      });
    }
  },
};
