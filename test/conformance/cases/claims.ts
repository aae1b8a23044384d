/**
 * Conformance cases for knowledge-base claims that no ground-truth case covers
 * (ids `C-<server>-<slug>`, cited in the pages' `evidence:` and inline as "(conformance: C-…)").
 * Each case measures exactly what the citing sentence says.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HTPASSWD_PASSWORD, HTPASSWD_USER, type RunningServer, rawExchange, rawStatus, sandboxFile } from '../harness';
import type { CaseContext, ConformanceCase } from './support';

const TLS_DIR = path.join(__dirname, '..', 'tls');
const CLOSE = 'Connection: close\r\n';

/** A raw request's status and head, recorded as a table row and asserted. */
async function rawCheck(ctx: CaseContext, server: RunningServer, label: string, bytes: string, expected: { status: number; includes?: RegExp }): Promise<string> {
  const response = await rawExchange(server.port, Buffer.from(bytes, 'latin1'));
  const status = rawStatus(response);
  const ok = status === expected.status && (!expected.includes || expected.includes.test(response));
  ctx.table.add({
    scenario: ctx.id,
    server: server.kind,
    request: label,
    expected: `${expected.status}${expected.includes ? ` ~ /${expected.includes.source}/` : ''}`,
    observed: status === undefined ? `no HTTP response (${JSON.stringify(response.slice(0, 40))})` : response.split('\r\n')[0]!,
    ok,
  });
  if (!ok) throw new Error(`${ctx.id}: ${label}: expected ${expected.status}${expected.includes ? ` and ${expected.includes}` : ''}, got:\n${response.slice(0, 600)}`);
  return response;
}

/** The Allow header(s) of a raw response, each as sent. */
const allowLines = (response: string) => [...response.split('\r\n\r\n')[0]!.matchAll(/^Allow: (.*)$/gim)].map((m) => m[1]!);

/** Protocol errors both servers must refuse with 400 (400.md), as raw requests. */
const PROTOCOL_ERRORS: { label: string; bytes: string }[] = [
  { label: 'HTTP/1.1 without Host', bytes: `GET / HTTP/1.1\r\n${CLOSE}\r\n` },
  { label: 'invalid Host "a/b"', bytes: `GET / HTTP/1.1\r\nHost: a/b\r\n${CLOSE}\r\n` },
  { label: 'two Host headers', bytes: `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n${CLOSE}\r\n` },
  { label: 'two Content-Length', bytes: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n${CLOSE}\r\nxy` },
  { label: 'whitespace before colon', bytes: `GET / HTTP/1.1\r\nHost: a\r\nFoo : bar\r\n${CLOSE}\r\n` },
];

/** The first bytes of a TLS ClientHello (record type 22, version 3.1). */
const TLS_HELLO = Buffer.from(`16030100c4010000c00303${'00'.repeat(40)}`, 'hex').toString('latin1');

export const claimCases: ConformanceCase[] = [
  // ---------------------------------------------------------------- nginx
  {
    id: 'C-nginx-static-post-405',
    server: 'nginx',
    essence: 'POST/PUT/DELETE to a static file under `location / { }` (405.md)',
    run: (ctx) =>
      ctx.nginx('location / { }', async (s) => {
        for (const method of ['POST', 'PUT', 'DELETE']) {
          await ctx.check(s, { method, path: '/index.html', body: 'x' }, { status: 405, reason: 'Not Allowed', headers: { Allow: null } });
        }
        await ctx.check(s, { path: '/index.html' }, { status: 200 });
      }),
  },
  {
    id: 'C-nginx-limit-except-deny-403',
    server: 'nginx',
    essence: '`limit_except GET { deny all; }` refuses POST with 403 (405.md)',
    run: (ctx) =>
      ctx.nginx('location / { limit_except GET { deny all; } }', async (s) => {
        await ctx.check(s, { method: 'POST', path: '/index.html', body: 'x' }, { status: 403 });
        await ctx.expectLog(s, /access forbidden by rule, .*request: "POST \/index\.html/);
        await ctx.check(s, { path: '/index.html' }, { status: 200 });
      }),
  },
  {
    id: 'C-nginx-return-451-empty-reason',
    server: 'nginx',
    essence: '`return 451;` status line `HTTP/1.1 451 ` (451.md)',
    run: (ctx) =>
      ctx.nginx('location / { return 451; }', async (s) => {
        await ctx.check(s, { path: '/' }, { status: 451, reason: '' });
        await rawCheck(ctx, s, 'raw GET / (status line)', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', { status: 451, includes: /^HTTP\/1\.1 451 \r\n/ });
      }),
  },
  {
    id: 'C-nginx-error-page-named-keeps-method',
    server: 'nginx',
    essence: '`error_page 502 @oops;` + static `@oops`: POST → 405; `error_page 502 /custom.html;` keeps 502 (405.md)',
    run: (ctx) => {
      // An upstream that always fails: a unix socket that does not exist (no network involved).
      const dead = `http://unix:${ctx.sandbox.root}/no-such-upstream.sock`;
      return ctx.nginx(
        [
          `location /named/ { proxy_pass ${dead}; error_page 502 @oops; }`,
          'location @oops { try_files /custom.html =500; }',
          `location /uri/ { proxy_pass ${dead}; error_page 502 /custom.html; }`,
        ].join('\n'),
        async (s) => {
          await ctx.check(s, { method: 'POST', path: '/named/form', body: 'x' }, { status: 405 });
          await ctx.check(s, { path: '/named/form' }, { status: 502, body: /^custom error page/ });
          await ctx.check(s, { method: 'POST', path: '/uri/form', body: 'x' }, { status: 502, body: /^custom error page/ });
        },
      );
    },
  },
  {
    id: 'C-nginx-large-header-400',
    server: 'nginx',
    essence: 'a 9 KB Cookie with default `large_client_header_buffers 4 8k` (400.md)',
    run: (ctx) =>
      ctx.nginx('location / { }', async (s) => {
        await ctx.check(s, { path: '/', headers: { Cookie: `c=${'x'.repeat(9000)}` } }, { status: 400, body: /<title>400 Request Header Or Cookie Too Large<\/title>/ });
        await ctx.check(s, { path: '/', headers: { Cookie: `c=${'x'.repeat(7000)}` } }, { status: 200 });
      }),
  },
  {
    id: 'C-nginx-http-to-https-port-400',
    server: 'nginx',
    essence: 'plain HTTP to `listen … ssl` (400.md)',
    run: (ctx) => {
      const cert = sandboxFile(ctx.sandbox, 'tls/test-only.crt', fs.readFileSync(path.join(TLS_DIR, 'test-only.crt')));
      const key = sandboxFile(ctx.sandbox, 'tls/test-only.key', fs.readFileSync(path.join(TLS_DIR, 'test-only.key')), 0o600);
      return ctx.nginx(
        `ssl_certificate ${cert};\nssl_certificate_key ${key};\nlocation / { }`,
        (s) => ctx.check(s, { path: '/' }, { status: 400, body: /The plain HTTP request was sent to HTTPS port/ }),
        { listenSuffix: ' ssl' },
      );
    },
  },
  {
    id: 'C-nginx-protocol-errors-400',
    server: 'nginx',
    essence: 'malformed requests before any location runs, logged at `info` (400.md)',
    run: (ctx) =>
      ctx.nginx('location / { }', async (s) => {
        for (const p of PROTOCOL_ERRORS) await rawCheck(ctx, s, p.label, p.bytes, { status: 400 });
        await rawCheck(ctx, s, 'TLS ClientHello to a plain-HTTP port', TLS_HELLO, { status: 400 });
        await ctx.expectLog(s, /\[info\] .*client sent HTTP\/1\.1 request without "Host" header/);
        await ctx.expectLog(s, /\[info\] .*client sent invalid host header/);
        await ctx.expectLog(s, /\[info\] .*client sent duplicate host header/);
        await ctx.expectLog(s, /\[info\] .*client sent duplicate header line: "Content-Length/);
        await ctx.expectLog(s, /\[info\] .*client sent invalid header line/);
        await ctx.expectLog(s, /\[info\] .*client sent invalid method/);
      }),
  },

  {
    id: 'C-nginx-error-page-range',
    server: 'nginx',
    essence: '`error_page` codes outside 300-599, or 499, fail `nginx -t` (rules/nginx/invalid-status.md)',
    run: async (ctx) => {
      for (const [code, ok] of [['299', false], ['300', true], ['499', false], ['599', true], ['600', false]] as const) {
        const output = ok ? undefined : code === '499' ? /invalid value "499"/ : new RegExp(`value "${code}" must be between 300 and 599`);
        await ctx.nginxConfigTest(`error_page ${code} /custom.html;`, { ok, ...(output ? { output } : {}) }, { label: `error_page ${code}` });
      }
    },
  },
  {
    id: 'C-nginx-limit-status-range',
    server: 'nginx',
    essence: '`limit_req_status` / `limit_conn_status` outside 400-599 fail `nginx -t` (rules/nginx/invalid-status.md)',
    run: async (ctx) => {
      for (const directive of ['limit_req_status', 'limit_conn_status']) {
        for (const [code, ok] of [['399', false], ['400', true], ['599', true], ['600', false]] as const) {
          await ctx.nginxConfigTest(`${directive} ${code};`, { ok, ...(ok ? {} : { output: /value must be between 400 and 599/ }) }, { label: `${directive} ${code}` });
        }
      }
    },
  },

  // ---------------------------------------------------------------- Apache
  {
    id: 'C-apache-delete-static-405-allow',
    server: 'apache',
    essence: 'DELETE on a static file, default handler (405.md)',
    run: (ctx) =>
      ctx.apache(`DocumentRoot "${ctx.sandbox.htdocs}/A7"`, async (s) => {
        const o = await ctx.check(s, { method: 'DELETE', path: '/index.html' }, { status: 405, headers: { Allow: /\S/ } });
        const allow = o.kind === 'response' ? String(o.headers.allow) : '';
        ctx.record('apache', 'DELETE /index.html: Allow as a set', 'GET,HEAD,OPTIONS,POST,TRACE', allow.split(/\s*,\s*/).sort().join(','));
      }),
  },
  {
    id: 'C-apache-unknown-method-501',
    server: 'apache',
    essence: 'a method Apache does not know (`FOO`) (405.md)',
    run: (ctx) =>
      ctx.apache(`DocumentRoot "${ctx.sandbox.htdocs}/A7"`, async (s) => {
        await ctx.check(s, { method: 'FOO', path: '/index.html' }, { status: 501 });
        await ctx.expectLog(s, /AH00135: Invalid method in request FOO/);
      }),
  },
  {
    id: 'C-apache-allowmethods-405',
    server: 'apache',
    essence: '`<Location "/"> AllowMethods GET HEAD` (405.md)',
    run: (ctx) =>
      ctx.apache(`DocumentRoot "${ctx.sandbox.htdocs}/A7"\n<Location "/">\n    AllowMethods GET HEAD\n</Location>`, async (s) => {
        const response = await rawCheck(ctx, s, 'POST /index.html (raw)', 'POST /index.html HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', { status: 405 });
        ctx.record('apache', 'POST /index.html: Allow header lines', 'TRACE', allowLines(response).join(' | '));
        await ctx.expectLog(s, /AH01623: client method denied by server configuration: 'POST' to /);
        await ctx.check(s, { path: '/index.html' }, { status: 200 });
      }),
  },
  {
    id: 'C-apache-header-always-expr',
    server: 'apache',
    essence: '`Header always set Allow "GET, HEAD" "expr=%{REQUEST_STATUS} == 405"` with AllowMethods and with `[R=405]` (405.md)',
    run: (ctx) => {
      for (const dir of ['files', 'rw', 'plain']) sandboxFile(ctx.sandbox, `apache/htdocs/${ctx.id}/${dir}/f.html`, `${dir}\n`);
      const header = '    Header always set Allow "GET, HEAD" "expr=%{REQUEST_STATUS} == 405"';
      const post = (p: string) => `POST ${p} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
      return ctx.apache(
        [
          `DocumentRoot "${ctx.sandbox.htdocs}/${ctx.id}"`,
          '<Location "/files/">',
          '    AllowMethods GET HEAD',
          header,
          '</Location>',
          'RewriteEngine On',
          'RewriteCond %{REQUEST_METHOD} !^(GET|HEAD)$',
          'RewriteRule ^/(rw|plain)/ - [R=405]',
          '<Location "/rw/">',
          header,
          '</Location>',
        ].join('\n'),
        async (s) => {
          const am = await rawCheck(ctx, s, 'POST /files/f.html (AllowMethods + Header)', post('/files/f.html'), { status: 405 });
          ctx.record('apache', 'POST /files/f.html: Allow header lines', 'GET, HEAD | TRACE', allowLines(am).join(' | '));
          const rw = await rawCheck(ctx, s, 'POST /rw/f.html ([R=405] + Header)', post('/rw/f.html'), { status: 405 });
          ctx.record('apache', 'POST /rw/f.html: Allow header lines', 'GET, HEAD | TRACE', allowLines(rw).join(' | '));
          // Without the Header line, the [R=405] answer names only TRACE.
          const plain = await rawCheck(ctx, s, 'POST /plain/f.html ([R=405] alone)', post('/plain/f.html'), { status: 405 });
          ctx.record('apache', 'POST /plain/f.html: Allow header lines', 'TRACE', allowLines(plain).join(' | '));
          await ctx.check(s, { path: '/rw/f.html' }, { status: 200, headers: { Allow: null } });
        },
      );
    },
  },
  {
    id: 'C-apache-errordocument-drops-env-header',
    server: 'apache',
    essence: '`[R=451]` + `ErrorDocument 451 /errors/451.html`: `Header … env=` lost, `expr=` kept (451.md)',
    run: (ctx) => {
      const root = `${ctx.sandbox.htdocs}/${ctx.id}`;
      sandboxFile(ctx.sandbox, `apache/htdocs/${ctx.id}/errors/451.html`, 'legal notice\n');
      sandboxFile(ctx.sandbox, `apache/htdocs/${ctx.id}/reports/r.html`, 'report\n');
      return ctx.apache(
        [
          `DocumentRoot "${root}"`,
          'SetEnvIf Request_URI "^/reports/" LEGAL_BLOCK=1',
          'RewriteEngine On',
          'RewriteCond %{ENV:LEGAL_BLOCK} =1',
          'RewriteRule ^/reports/ - [R=451]',
          'Header always set X-Env-Condition "set" env=LEGAL_BLOCK',
          'Header always set Link "<https://example.com/legal/blocking>; rel=\\"blocked-by\\"" "expr=%{REQUEST_STATUS} == 451"',
          'ErrorDocument 451 /errors/451.html',
        ].join('\n'),
        (s) =>
          ctx.check(
            s,
            { path: '/reports/r.html' },
            { status: 451, body: /^legal notice/, headers: { 'X-Env-Condition': null, Link: '<https://example.com/legal/blocking>; rel="blocked-by"' } },
          ),
      );
    },
  },
  {
    id: 'C-apache-proxy-407',
    server: 'apache',
    essence: '`ProxyRequests On` + `<Proxy "*">` AuthType Basic + `Require valid-user` (407.md)',
    run: (ctx) =>
      ctx.apache(
        [
          `DocumentRoot "${ctx.sandbox.htdocs}/A7"`,
          'ProxyRequests On',
          '<Proxy "*">',
          '    AuthType Basic',
          '    AuthName "proxy"',
          `    AuthUserFile ${ctx.sandbox.htpasswd}`,
          '    Require valid-user',
          '</Proxy>',
        ].join('\n'),
        async (s) => {
          // The forward-proxy target is this same server: nothing leaves 127.0.0.1.
          const target = `http://127.0.0.1:${s.port}/index.html`;
          const basic = (pw: string) => `Basic ${Buffer.from(`${HTPASSWD_USER}:${pw}`).toString('base64')}`;
          await ctx.check(s, { path: target }, { status: 407, headers: { 'Proxy-Authenticate': 'Basic realm="proxy"' } });
          await ctx.check(s, { path: target, headers: { 'Proxy-Authorization': basic('wrong') } }, { status: 407, headers: { 'Proxy-Authenticate': 'Basic realm="proxy"' } });
          await ctx.expectLog(s, /AH01617: user alice: authentication failure for "http:\/\/127\.0\.0\.1:\d+\/index\.html": Password Mismatch/);
          await ctx.check(s, { path: target, headers: { 'Proxy-Authorization': `Basic ${Buffer.from('mallory:x').toString('base64')}` } }, { status: 407, headers: { 'Proxy-Authenticate': 'Basic realm="proxy"' } });
          await ctx.expectLog(s, /AH01618: user mallory not found/);
          await ctx.check(s, { path: target, headers: { 'Proxy-Authorization': basic(HTPASSWD_PASSWORD) } }, { status: 200, body: /^hello A7/ });
        },
        { modules: ['authz_core', 'authz_user', 'authn_core', 'authn_file', 'auth_basic', 'proxy', 'proxy_http'] },
      ),
  },
  {
    id: 'C-apache-protocol-errors-400',
    server: 'apache',
    essence: 'missing/malformed Host, two Content-Length, malformed header and request lines; reasons only at `LogLevel debug` (400.md)',
    run: async (ctx) => {
      const requests = [...PROTOCOL_ERRORS, { label: 'request line with a NUL byte', bytes: 'GE\u0000T / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' }];
      const reasons = [/AH00569: client sent HTTP\/1\.1 request without hostname/, /AH00550: Client sent malformed Host header/, /AH10242: client sent invalid Content-Length/, /AH02426: Request header field name is malformed/, /AH00566: request failed: malformed request line/];
      for (const level of ['info', 'debug'] as const) {
        await ctx.apache(
          `DocumentRoot "${ctx.sandbox.htdocs}/A7"`,
          async (s) => {
            for (const r of requests) await rawCheck(ctx, s, `${r.label} (LogLevel ${level})`, r.bytes, { status: 400 });
            if (level === 'debug') {
              for (const reason of reasons) await ctx.expectLog(s, reason);
            } else {
              await new Promise((resolve) => setTimeout(resolve, 200));
              const found = reasons.filter((r) => r.test(s.errorLog())).map((r) => r.source.slice(0, 8));
              ctx.record('apache', 'error log at LogLevel info: reasons logged', 'none', found.join(', ') || 'none');
            }
          },
          { logLevel: level, name: `${ctx.id}-${level}` },
        );
      }
    },
  },
  {
    id: 'C-apache-large-header-400',
    server: 'apache',
    essence: 'a header over `LimitRequestFieldSize` (8190) at `LogLevel info` (400.md)',
    run: (ctx) =>
      ctx.apache(
        `DocumentRoot "${ctx.sandbox.htdocs}/A7"`,
        async (s) => {
          await ctx.check(s, { path: '/index.html', headers: { Cookie: `c=${'x'.repeat(8200)}` } }, { status: 400 });
          await ctx.expectLog(s, /\[core:info\] .*AH00561: Request header exceeds LimitRequestFieldSize: Cookie/);
          await ctx.check(s, { path: '/index.html', headers: { Cookie: `c=${'x'.repeat(8000)}` } }, { status: 200 });
        },
        { logLevel: 'info' },
      ),
  },
];
