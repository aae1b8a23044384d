/**
 * One conformance scenario per server-backed rule (issue 8): with the rule's own fixtures,
 *  1. fires: the config runs on the real server and answers as the rule's message says;
 *  2. fixed: the first quick fix, applied through the language service until none is left,
 *     gives a config `nginx -t` / `apache2 -t` accepts and that answers with the intended status;
 *  3. quiet: the quiet fixture has no finding and behaves as intended.
 * A registered rule without a scenario fails; a scenario whose rule is not registered yet is
 * `todo`. Prints a table of scenario → observed status at the end.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { allRules } from '../../server/src/rules';
import { applyEdits } from '../../server/src/rules/text';
import type { Finding } from '../../server/src/types';
import { ROOT, documentFor, service } from '../support/service';
import { adaptApacheConf, adaptHtaccess, adaptNginxFixture, apacheHtaccessHost, nginxFixturePorts, populateDocroots } from './fixtureConfig';
import {
  APACHE_COMMON_MODULES,
  type ConfigTest,
  type Expectation,
  HTPASSWD_PASSWORD,
  HTPASSWD_USER,
  OTHER_CLIENT,
  type RequestSpec,
  apacheSkeleton,
  apacheTest,
  ResultTable,
  type RunningServer,
  type Sandbox,
  type ServerKind,
  check,
  checkConfigTest,
  createSandbox,
  describeRequest,
  needs,
  nginxTest,
  openDownload,
  removeSandbox,
  request,
  startApache,
  startNginx,
  stopAllServers,
} from './harness';

// Findings do not depend on the knowledge base; an empty one keeps this layer independent of content/.
const ls = service(undefined, new KnowledgeBase([]));
const GOOD = `${HTPASSWD_USER}:${HTPASSWD_PASSWORD}`;

// ------------------------------------------------------------------ scenario table

/** One request against the running fixture; `listen` picks the fixture's port (default: its first). */
interface Probe {
  listen?: number;
  req: RequestSpec;
  expect: Expectation;
}
/** `times` back-to-back requests whose statuses must read `codes` ("200,503,503"). */
interface Burst {
  listen?: number;
  req: RequestSpec;
  times: number;
  codes: string;
}
/** `probe` while the large download `hold` is in flight (its body unread): connection limits. */
interface WhileHeld {
  listen?: number;
  hold: RequestSpec;
  probe: Probe;
}
type Step = Probe | Burst | WhileHeld;

interface Scenario {
  server: ServerKind;
  /** Fixture files in test/fixtures/<family>/<rule>/ (default fires.conf / quiet.conf). */
  firesFile?: string;
  quietFile?: string;
  /** Extra files in every docroot, next to fixtureConfig's SITE_FILES. */
  files?: Record<string, string | Buffer>;
  /** Apache: modules beyond the common set, mod_access_compat (Debian loads it: default true), the override of a .htaccess folder. */
  apache?: { accessCompat?: boolean; modules?: string[]; allowOverride?: string };
  /** What the rule's message says the firing config does. */
  fires: Step[];
  /**
   * For rules about configs the server refuses: per finding line (1-based) of the fires fixture,
   * the `-t` message that line alone causes (the other flagged lines removed).
   */
  refusedLines?: Record<number, RegExp>;
  /** The whole fires fixture is refused by `-t` with this message. */
  refused?: RegExp;
  /** The fires fixture is accepted by `-t`, with this warning or notice in its output. */
  notice?: RegExp;
  /** `.htaccess` fixtures: per finding line, what GET /htdir/x.txt answers with that line alone. */
  htaccessLines?: Record<number, Expectation>;
  /** After the quick fixes; a string says why the rule offers none (asserted). */
  fixed: Step[] | { noFix: string };
  quiet: Step[];
}

/** Where a `.htaccess` fixture is placed under the docroot (requests go to /htdir/…). */
const HTDIR = 'htdir';

const get = (p: string, extra: Partial<RequestSpec> = {}): RequestSpec => ({ path: p, ...extra });

/** Rule families no nginx or Apache stands behind. */
const NOT_SERVER_BACKED_FAMILIES: Record<string, string> = {
  routes: 'route files of applications (Express, Flask, Laravel…): the status comes from the application, not from nginx or Apache',
};
/** Rules whose behaviour no server run can show, with the reason. */
const NOT_SERVER_BACKED: Record<string, string> = {
  'nginx/syntax': 'syntax errors: nginx -t itself is the check (covered by the parser tests)',
  'apache/syntax': 'syntax errors: apache2 -t itself is the check (covered by the parser tests)',
};

const SCENARIOS: Record<string, Scenario> = {
  'nginx/allow-after-deny-all': {
    server: 'nginx',
    fires: [
      { req: get('/admin/'), expect: { status: 403 } },
      { req: get('/admin/', { from: OTHER_CLIENT }), expect: { status: 403 } },
    ],
    fixed: [
      { req: get('/admin/'), expect: { status: 200 } },
      { req: get('/admin/', { from: OTHER_CLIENT }), expect: { status: 403 } },
    ],
    quiet: [
      { req: get('/admin/'), expect: { status: 200 } },
      { req: get('/admin/', { from: OTHER_CLIENT }), expect: { status: 403 } },
      { req: get('/public/'), expect: { status: 200 } },
      { req: get('/public/secret/'), expect: { status: 403 } },
    ],
  },
  'nginx/limit-status-503': {
    server: 'nginx',
    // Only /downloads/ can show it: /api/ and /login answer with `return`, which runs in the rewrite
    // phase, before limit_req is ever consulted (they answer 200 however fast they are hit).
    files: { 'downloads/big.bin': Buffer.alloc(16 << 20) },
    fires: [{ hold: get('/downloads/big.bin'), probe: { req: get('/downloads/file.bin'), expect: { status: 503 } } }],
    fixed: [{ hold: get('/downloads/big.bin'), probe: { req: get('/downloads/file.bin'), expect: { status: 429 } } }],
    quiet: [{ hold: get('/downloads/big.bin'), probe: { req: get('/downloads/file.bin'), expect: { status: 429 } } }],
  },
  'nginx/add-header-missing-always': {
    server: 'nginx',
    fires: [
      { req: get('/maintenance'), expect: { status: 503, headers: { 'Retry-After': null } } },
      { req: get('/private'), expect: { status: 403, headers: { 'X-Reason': null } } },
      { req: get('/api/x'), expect: { status: 502, headers: { 'WWW-Authenticate': null } } },
    ],
    fixed: [
      { req: get('/maintenance'), expect: { status: 503, headers: { 'Retry-After': '120' } } },
      { req: get('/private'), expect: { status: 403, headers: { 'X-Reason': 'members only' } } },
      { req: get('/api/x'), expect: { status: 502, headers: { 'WWW-Authenticate': 'Bearer realm="api"' } } },
    ],
    quiet: [
      { req: get('/maintenance'), expect: { status: 503, headers: { 'Retry-After': '120' } } },
      { req: get('/options'), expect: { status: 204, headers: { Allow: 'GET, HEAD, OPTIONS' } } },
      { req: get('/moved'), expect: { status: 301, headers: { 'X-Moved': 'yes', Location: 'https://example.com/' } } },
      { req: get('/conditional?block=1'), expect: { status: 403 } },
      { req: get('/index.html'), expect: { status: 200, headers: { 'X-Frame-Options': 'DENY' } } },
    ],
  },
  'nginx/401-without-challenge': {
    server: 'nginx',
    fires: [
      { req: get('/api/x'), expect: { status: 401, headers: { 'WWW-Authenticate': null } } },
      { req: get('/admin/'), expect: { status: 401, headers: { 'WWW-Authenticate': null } } },
      { req: get('/members'), expect: { status: 401, headers: { 'WWW-Authenticate': null }, body: /^log in first/ } },
      // `return` runs in the rewrite phase, before auth_basic: no challenge even with auth_basic in scope.
      { req: get('/basic/?logout=1', { auth: GOOD }), expect: { status: 401, headers: { 'WWW-Authenticate': null } } },
    ],
    fixed: [
      { req: get('/api/x'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="restricted"' } } },
      { req: get('/admin/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="admin"' } } },
      { req: get('/members'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="restricted"' } } },
      { req: get('/basic/?logout=1', { auth: GOOD }), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="members"' } } },
    ],
    quiet: [
      { req: get('/api/x'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="api"' } } },
      { req: get('/basic/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="members"' } } },
      { req: get('/basic/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/login-redirect/'), expect: { status: 302, headers: { Location: /\/login$/ } } },
      // An auth_request subrequest's 401 goes to the client (its challenge would come from the auth service).
      { req: get('/private/'), expect: { status: 401 } },
      { req: get('/_auth'), expect: { status: 404 } },
    ],
    files: { 'basic/index.html': 'basic\n' },
  },
  'nginx/405-without-allow': {
    server: 'nginx',
    fires: [
      { req: get('/', { method: 'PUT', body: 'x' }), expect: { status: 405, headers: { Allow: null } } },
      { req: get('/upload'), expect: { status: 405, headers: { Allow: null } } },
    ],
    fixed: [
      { req: get('/', { method: 'PUT', body: 'x' }), expect: { status: 405, headers: { Allow: 'GET, HEAD, POST' } } },
      { req: get('/upload'), expect: { status: 405, headers: { Allow: 'POST' } } },
    ],
    quiet: [
      { req: get('/', { method: 'PUT', body: 'x' }), expect: { status: 405, headers: { Allow: 'GET, HEAD, POST' } } },
      { req: get('/readonly/'), expect: { status: 200, headers: { Allow: 'GET, HEAD' } } },
    ],
  },
  'nginx/error-page-masks-status': {
    server: 'nginx',
    fires: [{ req: get('/secret/file.txt'), expect: { status: 200, body: /^custom error page/ } }],
    fixed: [{ req: get('/secret/file.txt'), expect: { status: 403, body: /^custom error page/ } }],
    quiet: [{ req: get('/secret/file.txt'), expect: { status: 404, body: /^custom error page/ } }],
  },
  'nginx/hidden-files-block-well-known': {
    server: 'nginx',
    fires: [
      { req: get('/.well-known/acme-challenge/token', { host: 'a.example' }), expect: { status: 403 } },
      { req: get('/.well-known/acme-challenge/token', { host: 'b.example' }), expect: { status: 404 } },
    ],
    // The first finding (a.example) has a quick fix; b.example's regex has none.
    fixed: [
      { req: get('/.well-known/acme-challenge/token', { host: 'a.example' }), expect: { status: 200, body: /^acme token/ } },
      { req: get('/.git/config', { host: 'a.example' }), expect: { status: 403 } },
    ],
    quiet: [
      { req: get('/.well-known/acme-challenge/token', { host: 'a.example' }), expect: { status: 200 } },
      { req: get('/.git/config', { host: 'a.example' }), expect: { status: 403 } },
      { req: get('/.well-known/acme-challenge/token', { host: 'b.example' }), expect: { status: 200 } },
      { req: get('/.git/config', { host: 'b.example' }), expect: { status: 403 } },
      { req: get('/.well-known/security.txt', { host: 'c.example' }), expect: { status: 200 } },
      { req: get('/.git/config', { host: 'c.example' }), expect: { status: 403 } },
      { req: get('/.well-known/security.txt', { host: 'd.example' }), expect: { status: 200 } },
      { req: get('/.env', { host: 'd.example' }), expect: { status: 403 } },
    ],
  },
  'nginx/add-header-drops-inherited': {
    server: 'nginx',
    fires: [
      { req: get('/b/'), expect: { status: 200, headers: { 'Strict-Transport-Security': 'max-age=31536000', 'X-Frame-Options': null } } },
      { req: get('/a/'), expect: { status: 200, headers: { 'X-Foo': 'bar', 'Strict-Transport-Security': null, 'X-Frame-Options': null } } },
    ],
    fixed: [
      { req: get('/b/'), expect: { status: 200, headers: { 'Strict-Transport-Security': 'max-age=31536000', 'X-Frame-Options': 'DENY' } } },
      { req: get('/a/'), expect: { status: 200, headers: { 'X-Foo': 'bar', 'Strict-Transport-Security': 'max-age=31536000', 'X-Frame-Options': 'DENY' } } },
    ],
    quiet: [
      { req: get('/a/'), expect: { status: 200, headers: { 'X-Foo': 'bar', 'X-Frame-Options': 'DENY' } } },
      { req: get('/b/'), expect: { status: 200, headers: { 'X-Frame-Options': 'DENY' } } },
      { listen: 18190, req: get('/c/'), expect: { status: 200, headers: { 'X-Frame-Options': 'SAMEORIGIN' } } },
    ],
  },
  'nginx/closes-connection': {
    server: 'nginx',
    fires: [
      { req: get('/slow'), expect: { closed: true } },
      { req: get('/gone'), expect: { closed: true } },
      { req: get('/scanner'), expect: { closed: true } },
    ],
    // 408 and 499 get a status that is sent; the 444 (dropping scanners on purpose) has no fix.
    fixed: [
      { req: get('/slow'), expect: { status: 400 } },
      { req: get('/gone'), expect: { status: 403 } },
      { req: get('/scanner'), expect: { closed: true } },
    ],
    quiet: [
      { req: get('/slow'), expect: { status: 429 } },
      { req: get('/gone'), expect: { status: 410 } },
      { req: get('/log'), expect: { status: 200 } },
    ],
  },
  'nginx/invalid-status': {
    server: 'nginx',
    fires: [],
    refusedLines: {
      6: /value must be between 400 and 599/,
      7: /invalid value "499"/,
      8: /value "200" must be between 300 and 599/,
      9: /invalid burst value "burst=0"/,
      10: /invalid return code "1000"/,
    },
    fixed: { noFix: 'the intended value cannot be guessed' },
    quiet: [
      { req: get('/a'), expect: { status: 200 } },
      { req: get('/b'), expect: { status: 999, reason: '' } },
    ],
  },
  'nginx/deny-reveals-existence': {
    server: 'nginx',
    fires: [
      { req: get('/.git/config'), expect: { status: 403 } },
      { req: get('/admin/'), expect: { status: 403 } },
      { req: get('/backup.sql'), expect: { status: 403 } },
    ],
    fixed: [
      { req: get('/.git/config'), expect: { status: 404 } },
      { req: get('/admin/'), expect: { status: 404 } },
      { req: get('/backup.sql'), expect: { status: 404 } },
    ],
    quiet: [
      { req: get('/.git/config'), expect: { status: 404 } },
      { req: get('/admin/'), expect: { status: 403 } },
      { req: get('/.well-known/security.txt'), expect: { status: 200 } },
    ],
  },
  'nginx/nonstandard-status': {
    server: 'nginx',
    fires: [
      { req: get('/a'), expect: { status: 600, reason: '', body: /^$/ } },
      // With text, the body is that text; the message promises only the empty reason phrase here.
      { req: get('/b'), expect: { status: 999, reason: '', body: /^odd/ } },
    ],
    fixed: { noFix: 'the intended status cannot be guessed' },
    quiet: [
      { req: get('/a'), expect: { status: 599 } },
      { req: get('/b'), expect: { status: 204 } },
      { req: get('/c'), expect: { status: 302, headers: { Location: 'https://example.com/' } } },
    ],
  },
  'nginx/error-page-denied': {
    server: 'nginx',
    fires: [{ req: get('/x'), expect: { status: 403, body: /<title>403 Forbidden<\/title>/ } }],
    fixed: [{ req: get('/x'), expect: { status: 403, body: /^custom error page/ } }],
    quiet: [
      { req: get('/x'), expect: { status: 403, body: /^custom error page/ } },
      { listen: 18196, req: get('/secret/file.txt'), expect: { status: 403, body: /^custom 403 page/ } },
    ],
  },
  'nginx/satisfy-all-ip-and-password': {
    server: 'nginx',
    fires: [
      { req: get('/admin/', { auth: GOOD }), expect: { status: 403 } },
      { req: get('/admin/'), expect: { status: 403 } },
    ],
    fixed: [
      { req: get('/admin/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/admin/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Admin"' } } },
    ],
    quiet: [
      { req: get('/admin/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/office/'), expect: { status: 403 } },
      { req: get('/members/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Members"' } } },
      { req: get('/members/', { auth: GOOD }), expect: { status: 200 } },
    ],
  },

  // ---------------------------------------------------------------- Apache
  'apache/auth-without-require': {
    server: 'apache',
    firesFile: 'fires.htaccess',
    fires: [{ req: get(`/${HTDIR}/x.txt`), expect: { status: 200, headers: { 'WWW-Authenticate': null } } }],
    fixed: [
      { req: get(`/${HTDIR}/x.txt`), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Staff only"' } } },
      { req: get(`/${HTDIR}/x.txt`, { auth: GOOD }), expect: { status: 200 } },
    ],
    quiet: [
      { req: get('/admin/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Admin"' } } },
      { req: get('/admin/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/office/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Office"' } } },
      { req: get('/office/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/members/report.pdf'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Members"' } } },
      { req: get('/public/'), expect: { status: 200 } },
    ],
    files: { 'members/report.pdf': 'report\n' },
  },
  'apache/deny-reveals-existence': {
    server: 'apache',
    files: { 'dump.sql': 'sql\n', '.svn/entries': 'svn\n', 'composer.json': '{}\n', 'backup/index.html': 'backup\n', 'denied.html': 'custom denied page\n' },
    fires: [
      { req: get('/.git/config'), expect: { status: 403 } },
      { req: get('/backup/'), expect: { status: 403 } },
      { req: get('/dump.sql'), expect: { status: 403 } },
      { req: get('/.env'), expect: { status: 403 } },
      { req: get('/.svn/entries'), expect: { status: 403 } },
      { req: get('/composer.json'), expect: { status: 403 } },
    ],
    // <FilesMatch> has no quick fix (the message says how to do it by hand): /dump.sql stays 403.
    fixed: [
      { req: get('/.git/config'), expect: { status: 404 } },
      { req: get('/backup/'), expect: { status: 404 } },
      { req: get('/dump.sql'), expect: { status: 403 } },
      { req: get('/.env'), expect: { status: 404 } },
      { req: get('/.svn/entries'), expect: { status: 404 } },
      { req: get('/composer.json'), expect: { status: 404 } },
    ],
    quiet: [
      { req: get('/.htaccess'), expect: { status: 403 } },
      { req: get('/admin/'), expect: { status: 403 } },
      // Its ErrorDocument page is itself caught by `RewriteRule ^.*$ - [F]`: Apache's own 403 page.
      { req: get('/.git/config'), expect: { status: 403 } },
      { req: get('/.env'), expect: { status: 404 } },
      { req: get('/.svn/entries'), expect: { status: 404 } },
      { req: get('/index.html'), expect: { status: 403 } },
    ],
  },
  'apache/directive-not-allowed-here': {
    server: 'apache',
    firesFile: 'fires.htaccess',
    fires: [{ req: get(`/${HTDIR}/x.txt`), expect: { status: 500 } }],
    htaccessLines: { 3: { status: 500 }, 7: { status: 500 }, 9: { status: 500 }, 11: { status: 500 }, 13: { status: 500 }, 17: { status: 500 } },
    fixed: { noFix: 'where the directive belongs depends on the server layout' },
    // Alias /static → /srv/static is a docroot of its own. (`Alias` inside <Location "/docs"> is
    // checked by apache2 -t accepting the file.)
    files: { 'dump.sql': 'sql\n' },
    quiet: [
      { req: get('/static/index.html', { host: 'example.com' }), expect: { status: 200 } },
      { req: get('/static/dump.sql', { host: 'example.com' }), expect: { status: 403 } },
    ],
  },
  'apache/errordocument-full-url': {
    server: 'apache',
    files: { 'errors/denied.html': 'custom denied page\n', 'errors/404.html': 'custom 404 page\n', 'login.html': 'login\n' },
    // The 401 line: Apache drops it at start-up (A4c).
    notice: /AH00113: .*cannot use a full URL in a 401 ErrorDocument directive --- ignoring!/,
    fires: [
      { req: get('/downloads/', { host: 'www.example.com' }), expect: { status: 302, headers: { Location: 'http://www.example.com/errors/denied.html' } } },
      { req: get('/nope.html', { host: 'www.example.com' }), expect: { status: 302, headers: { Location: 'https://example.com/errors/404.html?lang=en' } } },
    ],
    fixed: [
      { req: get('/downloads/', { host: 'www.example.com' }), expect: { status: 403, headers: { Location: null }, body: /^custom denied page/ } },
      { req: get('/nope.html', { host: 'www.example.com' }), expect: { status: 404, headers: { Location: null }, body: /^custom 404 page/ } },
    ],
    quiet: [
      { req: get('/downloads/', { host: 'www.example.com' }), expect: { status: 403, body: /^custom denied page/ } },
      { req: get('/nope.html', { host: 'www.example.com' }), expect: { status: 404, body: /^custom 404 page/ } },
    ],
  },
  'apache/ht-files-exposed': {
    server: 'apache',
    fires: [
      { req: get('/.htaccess', { host: 'app.example.com' }), expect: { status: 200, body: /LEAKED \.htaccess/ } },
      { req: get('/.htpasswd', { host: 'app.example.com' }), expect: { status: 200, body: /LEAKEDHASH/ } },
    ],
    fixed: [
      { req: get('/.htaccess', { host: 'app.example.com' }), expect: { status: 403 } },
      { req: get('/.htpasswd', { host: 'app.example.com' }), expect: { status: 403 } },
      { req: get('/index.html', { host: 'app.example.com' }), expect: { status: 200 } },
    ],
    quiet: [
      { req: get('/.htaccess'), expect: { status: 403 } },
      { req: get('/.htpasswd'), expect: { status: 403 } },
      { req: get('/index.html'), expect: { status: 200 } },
    ],
  },
  'apache/indexes-enabled': {
    server: 'apache',
    files: { 'files/a.txt': 'a\n', 'only/a.txt': 'a\n', 'everything/a.txt': 'a\n' },
    fires: [
      { req: get('/downloads/'), expect: { status: 200, body: /Index of \/downloads/ } },
      { req: get('/files/'), expect: { status: 200, body: /Index of \/files/ } },
      { req: get('/only/'), expect: { status: 200, body: /Index of \/only/ } },
      { req: get('/everything/'), expect: { status: 200, body: /Index of \/everything/ } },
    ],
    // `Options All` has no quick fix: /everything/ keeps its listing.
    fixed: [
      { req: get('/downloads/'), expect: { status: 403 } },
      { req: get('/files/'), expect: { status: 403 } },
      { req: get('/only/'), expect: { status: 403 } },
      { req: get('/everything/'), expect: { status: 200, body: /Index of \/everything/ } },
    ],
    quiet: [
      { req: get('/downloads/'), expect: { status: 403 } },
      { req: get('/off-again/'), expect: { status: 403 } },
      { req: get('/none/'), expect: { status: 403 } },
    ],
  },
  'apache/inline-comment': {
    server: 'apache',
    firesFile: 'fires.htaccess',
    quietFile: 'quiet.htaccess',
    files: { [`${HTDIR}/index.html`]: 'htdir index\n', [`${HTDIR}/manual.html`]: 'manual\n' },
    fires: [{ req: get(`/${HTDIR}/x.txt`), expect: { status: 500 } }],
    // Each line alone, as A11a-A11d measured them. Line 7 (`Require valid-user # staff only`) alone
    // is 500 only because this fixture has no AuthType ("AuthType not set"); with one, A11c gives 401.
    htaccessLines: { 3: { status: 500 }, 5: { status: 500 }, 7: { status: 500 }, 9: { status: 200 } },
    fixed: [
      { req: get(`/${HTDIR}/x.txt`), expect: { status: 200 } },
      { req: get(`/${HTDIR}/`), expect: { status: 200, body: /^htdir index/ } },
    ],
    quiet: [
      { req: get(`/${HTDIR}/x.txt`), expect: { status: 200, headers: { 'X-Note': 'value # not a comment' } } },
      { req: get(`/${HTDIR}/docs`), expect: { status: 302, headers: { Location: /\/manual\.html#intro$/ } } },
    ],
  },
  'apache/legacy-access-control': {
    server: 'apache',
    // The message: without mod_access_compat Apache 2.4 refuses the file (A2b).
    apache: { accessCompat: false },
    files: { 'dump.sql': 'sql\n', 'private/index.html': 'private\n', 'assets/index.html': 'assets\n' },
    fires: [],
    refused: /Invalid command 'Order'/,
    fixed: [
      { req: get('/public/'), expect: { status: 200 } },
      { req: get('/admin/'), expect: { status: 403 } },
      { req: get('/dump.sql'), expect: { status: 403 } },
    ],
    quiet: [
      { req: get('/public/'), expect: { status: 200 } },
      { req: get('/private/'), expect: { status: 403 } },
      { req: get('/assets/'), expect: { status: 200 } },
    ],
  },
  'apache/mixed-access-control': {
    server: 'apache',
    files: {
      'app/index.html': 'app\n',
      'intranet/index.html': 'intranet\n',
      'legacy-branch/index.html': 'legacy\n',
      'harmless/index.html': 'harmless\n',
      'other/index.html': 'other\n',
      'other/old/index.html': 'old\n',
    },
    fires: [
      { req: get('/app/'), expect: { status: 403 } },
      { req: get('/members/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Members"' } } },
    ],
    // The first fix converts to Require "keeping today's behaviour": same statuses, no 2.2 lines.
    fixed: [
      { req: get('/app/'), expect: { status: 403 } },
      { req: get('/members/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Members"' } } },
      { req: get('/members/', { auth: GOOD }), expect: { status: 200 } },
    ],
    quiet: [
      { req: get('/app/'), expect: { status: 200 } },
      { req: get('/legacy-branch/'), expect: { status: 403 } },
      { req: get('/readonly/'), expect: { status: 200 } },
      { req: get('/readonly/', { method: 'POST', body: 'x' }), expect: { status: 403 } },
      { req: get('/other/'), expect: { status: 200 } },
      { req: get('/other/old/'), expect: { status: 403 } },
    ],
  },
  'apache/override-not-allowed': {
    server: 'apache',
    firesFile: 'fires.htaccess',
    quietFile: 'quiet.htaccess',
    apache: { allowOverride: 'FileInfo Indexes' },
    files: { [`${HTDIR}/robots.txt`]: 'User-agent: *\n' },
    fires: [{ req: get(`/${HTDIR}/x.txt`), expect: { status: 500 } }],
    htaccessLines: { 6: { status: 500 }, 8: { status: 500 }, 11: { status: 500 } },
    fixed: { noFix: 'widening AllowOverride is a server decision' },
    quiet: [
      { req: get(`/${HTDIR}/x.txt`), expect: { status: 200 } },
      { req: get(`/${HTDIR}/old/a.html`), expect: { status: 301, headers: { Location: /\/new\/a\.html$/ } } },
      { req: get(`/${HTDIR}/robots.txt`), expect: { status: 200, headers: { 'X-Robots-Tag': 'noindex' } } },
    ],
  },
  'apache/rewrite-leading-slash': {
    server: 'apache',
    firesFile: 'fires.htaccess',
    quietFile: 'quiet.htaccess',
    files: { [`${HTDIR}/private/x.txt`]: 'p\n', [`${HTDIR}/admin/x.txt`]: 'a\n', [`${HTDIR}/backup/x.txt`]: 'b\n', [`${HTDIR}/index.php`]: 'front controller\n' },
    fires: [
      { req: get(`/${HTDIR}/private/x.txt`), expect: { status: 200 } },
      { req: get(`/${HTDIR}/admin/x.txt`), expect: { status: 200 } },
    ],
    fixed: [
      { req: get(`/${HTDIR}/private/x.txt`), expect: { status: 403 } },
      { req: get(`/${HTDIR}/admin/x.txt`), expect: { status: 404 } },
    ],
    quiet: [
      { req: get(`/${HTDIR}/backup/x.txt`), expect: { status: 403 } },
      { req: get(`/${HTDIR}/anything`), expect: { status: 200, body: /^front controller/ } },
    ],
  },
  'apache/rewrite-substitution-ignored': {
    server: 'apache',
    firesFile: 'fires.htaccess',
    quietFile: 'quiet.htaccess',
    files: { [`${HTDIR}/private/x.txt`]: 'p\n', [`${HTDIR}/old/x.txt`]: 'o\n', [`${HTDIR}/gone/x.txt`]: 'g\n', [`${HTDIR}/index.php`]: 'front controller\n', [`${HTDIR}/denied.html`]: 'denied page\n' },
    fires: [
      { req: get(`/${HTDIR}/private/x.txt`), expect: { status: 403, body: /^(?!denied page)/ } },
      { req: get(`/${HTDIR}/old/x.txt`), expect: { status: 410, headers: { Location: null } } },
      { req: get(`/${HTDIR}/gone/x.txt`), expect: { status: 410, body: /^(?!front controller)/ } },
    ],
    // `-` says what Apache already does: the same statuses.
    fixed: [
      { req: get(`/${HTDIR}/private/x.txt`), expect: { status: 403 } },
      { req: get(`/${HTDIR}/old/x.txt`), expect: { status: 410, headers: { Location: null } } },
      { req: get(`/${HTDIR}/gone/x.txt`), expect: { status: 410 } },
    ],
    quiet: [
      { req: get(`/${HTDIR}/private/x.txt`), expect: { status: 403 } },
      { req: get(`/${HTDIR}/old/a.html`), expect: { status: 301, headers: { Location: /\/new\/a\.html$/ } } },
      { req: get(`/${HTDIR}/x`), expect: { status: 302, headers: { Location: /\/y$/ } } },
      { req: get(`/${HTDIR}/other`), expect: { status: 200, body: /^front controller/ } },
    ],
  },
};

// ------------------------------------------------------------------ running a scenario

const table = new ResultTable('Rule scenarios (scenario → observed)');
let sandbox: Sandbox | undefined;

before(() => {
  sandbox = createSandbox('rules');
});

after(async () => {
  await stopAllServers();
  console.log(`\n${table.render()}\n`);
  if (sandbox) removeSandbox(sandbox);
});

function fixtureFile(ruleId: string, file: string): string {
  const [family, name] = ruleId.split('/') as [string, string];
  return path.join(ROOT, 'test', 'fixtures', family, name, file);
}

const isHtaccess = (file: string) => file.endsWith('.htaccess');

async function ruleFindings(file: string, text: string, ruleId: string): Promise<Finding[]> {
  return (await ls.findings(documentFor(file, text))).filter((f) => f.ruleId === ruleId).sort((a, b) => a.start - b.start);
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Applies the first fix of the first fixable finding until no finding of the rule has a fix. */
async function applyQuickFixes(file: string, text: string, ruleId: string): Promise<{ text: string; applied: string[] }> {
  const applied: string[] = [];
  for (let round = 0; round < 20; round++) {
    const fixable = (await ruleFindings(file, text, ruleId)).filter((f) => f.fixes.length);
    const finding = fixable[0];
    if (!finding) return { text, applied };
    const fix = finding.fixes[0]!;
    applied.push(`line ${lineOf(text, finding.start)}: ${fix.title}`);
    text = applyEdits(text, fix.edits);
  }
  throw new Error(`${ruleId}: quick fixes did not converge after 20 rounds (${applied.join('; ')})`);
}

/** Drops the given 1-based lines (the other flagged lines of a refused fixture). */
function withoutLines(text: string, lines: number[]): string {
  return text
    .split('\n')
    .filter((_, i) => !lines.includes(i + 1))
    .join('\n');
}

/** A config name for the sandbox (pid/log files). */
const configName = (ruleId: string, phase: string) => `rule-${ruleId.replace('/', '-')}-${phase}`;

function apacheModules(scenario: Scenario): string[] {
  return [...APACHE_COMMON_MODULES, ...(scenario.apache?.accessCompat === false ? [] : ['access_compat']), ...(scenario.apache?.modules ?? [])];
}

/**
 * A fixture made runnable in the sandbox: `config(ports)` builds the server config (and creates the
 * docroots it uses); `fixturePorts` are the fixture's own ports, in the order `config` takes them.
 */
interface Runnable {
  name: string;
  fixturePorts: number[];
  config(ports: number[]): string;
  notes: string[];
  /** `.htaccess` fixtures: where the fixture text is written. */
  htaccessPath?: string;
}

function runnable(box: Sandbox, ruleId: string, phase: string, file: string, text: string, scenario: Scenario): Runnable {
  const name = configName(ruleId, phase);
  const siteRoot = path.join(box.root, 'site', name);
  const notes: string[] = [];
  if (scenario.server === 'nginx') {
    const fixturePorts = nginxFixturePorts(text);
    return {
      name,
      fixturePorts,
      notes,
      config: (ports) => {
        const adapted = adaptNginxFixture(text, { sandbox: box, name, ports: new Map(fixturePorts.map((p, i) => [p, ports[i]!])), siteRoot });
        populateDocroots(adapted.docroots, scenario.files);
        notes.splice(0, notes.length, ...adapted.notes);
        return adapted.text;
      },
    };
  }
  const modules = apacheModules(scenario);
  const skeleton = (port: number) => apacheSkeleton(box, name, port, '', { modules });
  if (isHtaccess(file)) {
    const htaccessPath = path.join(siteRoot, 'srv', 'www', HTDIR, '.htaccess');
    return {
      name,
      fixturePorts: [80],
      notes,
      htaccessPath,
      config: ([port]) => {
        const host = apacheHtaccessHost(skeleton(port!), siteRoot, scenario.apache?.allowOverride ?? 'All');
        populateDocroots(host.docroots, { [`${HTDIR}/x.txt`]: 'x\n', ...scenario.files });
        fs.writeFileSync(htaccessPath, adaptHtaccess(text, box), { mode: 0o644 });
        return host.text;
      },
    };
  }
  return {
    name,
    fixturePorts: [80],
    notes,
    config: ([port]) => {
      const adapted = adaptApacheConf(text, skeleton(port!), { sandbox: box, name, port: port!, siteRoot, modules });
      populateDocroots(adapted.docroots, scenario.files, adapted.folders);
      return adapted.text;
    },
  };
}

interface Run {
  server: RunningServer;
  portOf(listen: number | undefined): number;
  /** `.htaccess` fixtures: replaces the file the server reads (on the next request). */
  setHtaccess(text: string): void;
}

async function withFixture(box: Sandbox, ruleId: string, phase: string, file: string, text: string, scenario: Scenario, fn: (run: Run) => Promise<void>): Promise<void> {
  const r = runnable(box, ruleId, phase, file, text, scenario);
  const build = (port: number, ...more: number[]) => r.config([port, ...more]);
  const server = scenario.server === 'nginx' ? await startNginx(box, r.name, build, r.fixturePorts.length) : await startApache(box, r.name, build, r.fixturePorts.length);
  for (const note of r.notes) table.add({ scenario: `${ruleId}: ${phase}`, server: scenario.server, request: '(fixture adapted)', expected: '', observed: note, ok: true });
  try {
    await fn({
      server,
      portOf: (listen) => {
        const i = listen === undefined ? 0 : r.fixturePorts.indexOf(listen);
        assert.ok(i >= 0, `${ruleId}: the fixture has no listen port ${listen}`);
        return server.ports[i]!;
      },
      setHtaccess: (htaccess) => {
        assert.ok(r.htaccessPath, `${ruleId}: not a .htaccess fixture`);
        fs.writeFileSync(r.htaccessPath, adaptHtaccess(htaccess, box), { mode: 0o644 });
      },
    });
  } finally {
    await server.stop();
  }
}

/** `nginx -t` / `apache2 -t` on an adapted fixture (placeholder ports: -t binds nothing). */
async function configTest(box: Sandbox, ruleId: string, phase: string, file: string, text: string, scenario: Scenario): Promise<ConfigTest> {
  const r = runnable(box, ruleId, phase, file, text, scenario);
  const config = r.config(r.fixturePorts.map((_, i) => 1 + i));
  return scenario.server === 'nginx' ? nginxTest(box, r.name, config) : apacheTest(box, r.name, config);
}

/** Runs every step (a mismatch does not stop the others, so the table shows them all), then fails with all mismatches. */
async function runSteps(label: string, run: Run, steps: Step[]): Promise<void> {
  assert.ok(steps.length > 0, `${label}: no requests in the scenario`);
  const failures: string[] = [];
  const attempt = async (what: () => Promise<unknown>) => {
    try {
      await what();
    } catch (error) {
      failures.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  };
  for (const step of steps) {
    const server = { ...run.server, port: run.portOf(step.listen) };
    if ('hold' in step) {
      const held = await openDownload(server.port, step.hold, { stall: true });
      try {
        table.add({ scenario: label, server: server.kind, request: `${describeRequest(step.hold)} (held open)`, expected: '200', observed: String(held.status), ok: held.status === 200 });
        await attempt(async () => {
          assert.equal(held.status, 200, `${label}: the held download ${step.hold.path}`);
          await check(table, label, { ...server, port: run.portOf(step.probe.listen ?? step.listen) }, step.probe.req, step.probe.expect);
        });
      } finally {
        held.close();
      }
    } else if ('times' in step) {
      const codes: string[] = [];
      for (let i = 0; i < step.times; i++) {
        const o = await request(server.port, step.req);
        codes.push(o.kind === 'response' ? String(o.status) : o.kind);
      }
      const observed = codes.join(',');
      table.add({ scenario: label, server: server.kind, request: `${step.times} quick ${step.req.method ?? 'GET'} ${step.req.path}`, expected: step.codes, observed, ok: observed === step.codes });
      if (observed !== step.codes) failures.push(`${label}: ${step.times} quick requests to ${step.req.path}: ${observed}, expected ${step.codes}`);
    } else {
      await attempt(() => check(table, label, server, step.req, step.expect));
    }
  }
  assert.deepEqual(failures, [], `${failures.length} request(s) answered otherwise: ${failures.join(' | ')}`);
}

function defineScenario(ruleId: string, scenario: Scenario): void {
  const firesFile = fixtureFile(ruleId, scenario.firesFile ?? 'fires.conf');
  const quietFile = fixtureFile(ruleId, scenario.quietFile ?? 'quiet.conf');
  const kind = scenario.server;
  const tool = kind === 'nginx' ? 'nginx -t' : 'apache2 -t';
  const box = () => {
    assert.ok(sandbox, 'sandbox not created');
    return sandbox;
  };
  const readFixture = (file: string) => {
    assert.ok(fs.existsSync(file), `${path.relative(ROOT, file)} is missing`);
    return fs.readFileSync(file, 'utf8');
  };
  /** `-t` on the adapted fixture; for a .htaccess it checks the host config (the file itself is read per request). */
  const acceptedByTool = async (label: string, phase: string, file: string, text: string) =>
    checkConfigTest(table, label, kind, await configTest(box(), ruleId, phase, file, text, scenario), { ok: true }, isHtaccess(file) ? 'host config (the .htaccess is read per request)' : undefined);
  const options = needs(kind);

  it(`${ruleId}: fires, and the server answers as the message says`, options, async () => {
    const text = readFixture(firesFile);
    const findings = await ruleFindings(firesFile, text, ruleId);
    assert.ok(findings.length > 0, `${ruleId} does not fire on ${path.relative(ROOT, firesFile)}`);
    const label = `${ruleId}: fires`;
    const flagged = [...new Set(findings.map((f) => lineOf(text, f.start)))].sort((a, b) => a - b);
    if (scenario.refusedLines) {
      assert.deepEqual(flagged, Object.keys(scenario.refusedLines).map(Number), `${ruleId}: flagged lines differ from the scenario's refusedLines`);
      for (const [line, message] of Object.entries(scenario.refusedLines)) {
        const alone = withoutLines(text, flagged.filter((l) => l !== Number(line)));
        const result = await configTest(box(), ruleId, `fires-line${line}`, firesFile, alone, scenario);
        checkConfigTest(table, label, kind, result, { ok: false, output: message }, `line ${line} alone`);
      }
    }
    if (scenario.refused) {
      checkConfigTest(table, label, kind, await configTest(box(), ruleId, 'fires-t', firesFile, text, scenario), { ok: false, output: scenario.refused });
    }
    if (scenario.notice) {
      checkConfigTest(table, label, kind, await configTest(box(), ruleId, 'fires-t', firesFile, text, scenario), { ok: true, output: scenario.notice });
    }
    if (scenario.fires.length || scenario.htaccessLines) {
      await withFixture(box(), ruleId, 'fires', firesFile, text, scenario, async (run) => {
        if (scenario.fires.length) await runSteps(label, run, scenario.fires);
        if (scenario.htaccessLines) {
          assert.deepEqual(flagged, Object.keys(scenario.htaccessLines).map(Number), `${ruleId}: flagged lines differ from the scenario's htaccessLines`);
          for (const [line, expected] of Object.entries(scenario.htaccessLines)) {
            run.setHtaccess(withoutLines(text, flagged.filter((l) => l !== Number(line))));
            await check(table, `${label} (line ${line} alone)`, run.server, get(`/${HTDIR}/x.txt`), expected);
          }
        }
      });
    }
    assert.ok(scenario.refusedLines || scenario.refused || scenario.fires.length || scenario.htaccessLines, `${ruleId}: the scenario checks nothing on the fires fixture`);
  });

  it(`${ruleId}: the quick fix gives a config ${tool} accepts and the intended status`, options, async () => {
    const text = readFixture(firesFile);
    const label = `${ruleId}: fixed`;
    if (!Array.isArray(scenario.fixed)) {
      const withFixes = (await ruleFindings(firesFile, text, ruleId)).filter((f) => f.fixes.length);
      table.add({ scenario: label, server: kind, request: 'quick fixes offered', expected: `none (${scenario.fixed.noFix})`, observed: withFixes.length ? `${withFixes.length}` : 'none', ok: !withFixes.length });
      assert.equal(withFixes.length, 0, `${ruleId}: the scenario says there is no quick fix, but ${withFixes.length} findings offer one: add fixed steps`);
      return;
    }
    const { text: fixed, applied } = await applyQuickFixes(firesFile, text, ruleId);
    assert.ok(applied.length > 0, `${ruleId}: no quick fix offered on ${path.relative(ROOT, firesFile)}`);
    table.add({ scenario: label, server: kind, request: 'quick fixes applied', expected: '≥ 1', observed: applied.join('; '), ok: true });
    await acceptedByTool(label, 'fixed-t', firesFile, fixed);
    await withFixture(box(), ruleId, 'fixed', firesFile, fixed, scenario, (run) => runSteps(label, run, scenario.fixed as Step[]));
  });

  it(`${ruleId}: quiet fixture has no finding and behaves as intended`, options, async () => {
    const text = readFixture(quietFile);
    const findings = await ruleFindings(quietFile, text, ruleId);
    assert.deepEqual(
      findings.map((f) => `line ${lineOf(text, f.start)}: ${f.message}`),
      [],
      `${ruleId} fires on its quiet fixture`,
    );
    const label = `${ruleId}: quiet`;
    await acceptedByTool(label, 'quiet-t', quietFile, text);
    await withFixture(box(), ruleId, 'quiet', quietFile, text, scenario, (run) => runSteps(label, run, scenario.quiet));
  });
}

// ------------------------------------------------------------------ registry

const registered = new Set(allRules.map((r) => r.id));

describe('rule scenarios', () => {
  for (const rule of allRules) {
    if (NOT_SERVER_BACKED[rule.id] || NOT_SERVER_BACKED_FAMILIES[rule.family]) continue;
    const scenario = SCENARIOS[rule.id];
    if (!scenario) {
      it(`${rule.id}: conformance scenario`, () => assert.fail(`no conformance scenario for ${rule.id} (add it to SCENARIOS in test/conformance/rules.test.ts, or to NOT_SERVER_BACKED with a reason)`));
      continue;
    }
    describe(rule.id, () => defineScenario(rule.id, scenario));
  }
  for (const id of Object.keys(SCENARIOS).filter((id) => !registered.has(id))) {
    it(`${id}: conformance scenario`, { todo: 'rule not implemented yet' }, () => undefined);
  }
});
