/**
 * The nginx cases of ../shared/ground-truth/table.md (N1a..N11b), re-measured in our own stack.
 * Configs follow run_all.sh; expectations are the table's observations.
 */
import { HTPASSWD_PASSWORD, HTPASSWD_USER, OTHER_CLIENT, openDownload, request } from '../harness';
import type { ConformanceCase } from './support';

const GOOD = `${HTPASSWD_USER}:${HTPASSWD_PASSWORD}`;
const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="x"' };
const LIMIT_REQ_ZONE = 'limit_req_zone $binary_remote_addr zone=z:1m rate=1r/s;';
const LIMIT_CONN_ZONE = 'limit_conn_zone $binary_remote_addr zone=c:1m;';

/** Status codes of `n` back-to-back GETs, as "200,503,…". */
async function codes(port: number, path: string, n: number): Promise<string> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = await request(port, { path });
    out.push(o.kind === 'response' ? String(o.status) : o.kind);
  }
  return out.join(',');
}

export const nginxGroundTruth: ConformanceCase[] = [
  {
    id: 'N1a',
    server: 'nginx',
    essence: '`location / { deny all; allow 127.0.0.1; }`',
    run: (ctx) => ctx.nginx('location / { deny all; allow 127.0.0.1; }', (s) => ctx.check(s, { path: '/' }, { status: 403 })),
  },
  {
    id: 'N1b',
    server: 'nginx',
    essence: '`location / { allow 127.0.0.1; deny all; }`',
    run: (ctx) =>
      ctx.nginx('location / { allow 127.0.0.1; deny all; }', async (s) => {
        await ctx.check(s, { path: '/' }, { status: 200 });
        await ctx.check(s, { path: '/', from: OTHER_CLIENT }, { status: 403 });
      }),
  },
  {
    id: 'N2a',
    server: 'nginx',
    essence: '`location / {}` (autoindex off), dir has no index.html',
    run: (ctx) =>
      ctx.nginx('location / { }', async (s) => {
        await ctx.check(s, { path: '/emptydir/' }, { status: 403 });
        await ctx.check(s, { path: '/emptydir' }, { status: 301, headers: { Location: `http://127.0.0.1:${s.port}/emptydir/` } });
        await ctx.check(s, { path: '/nodir/' }, { status: 404 });
        await ctx.expectLog(s, /directory index of ".*\/emptydir\/" is forbidden/);
      }),
  },
  {
    id: 'N2b',
    server: 'nginx',
    essence: '`index missing.html;` (file absent)',
    run: (ctx) => ctx.nginx('location / { index missing.html; }', (s) => ctx.check(s, { path: '/' }, { status: 403 })),
  },
  {
    id: 'N2c',
    server: 'nginx',
    essence: '`autoindex on;`',
    run: (ctx) => ctx.nginx('location / { autoindex on; }', (s) => ctx.check(s, { path: '/emptydir/' }, { status: 200 })),
  },
  {
    id: 'N3',
    server: 'nginx',
    essence: 'file mode 600 root:root, `user www-data;`',
    run: (ctx) =>
      ctx.nginx('location / { }', async (s) => {
        await ctx.check(s, { path: '/private600.txt' }, { status: 403 });
        await ctx.check(s, { path: '/noexec/f.txt' }, { status: 403 });
        await ctx.expectLog(s, /open\(\) ".*\/private600\.txt" failed \(13: Permission denied\)/);
      }),
  },
  {
    id: 'N4a',
    server: 'nginx',
    essence: '`limit_req zone=z burst=0 nodelay;`',
    run: (ctx) => ctx.nginxRejects('location / { limit_req zone=z burst=0 nodelay; }', /invalid burst value "burst=0"/, { http: LIMIT_REQ_ZONE }),
  },
  {
    id: 'N4b',
    server: 'nginx',
    essence: '`limit_req zone=z nodelay;` rate=1r/s, no limit_req_status',
    run: (ctx) =>
      ctx.nginx(
        'location / { limit_req zone=z nodelay; }',
        async (s) => {
          ctx.record('nginx', '5 quick GET /', '200,503,503,503,503', await codes(s.port, '/', 5));
          await ctx.check(s, { path: '/' }, { status: 503, reason: 'Service Temporarily Unavailable', headers: { 'Retry-After': null } });
        },
        { http: LIMIT_REQ_ZONE },
      ),
  },
  {
    id: 'N4c',
    server: 'nginx',
    essence: '... + `limit_req_status 429;`',
    run: (ctx) =>
      ctx.nginx(
        'location / { limit_req zone=z nodelay; limit_req_status 429; }',
        async (s) => {
          ctx.record('nginx', '5 quick GET /', '200,429,429,429,429', await codes(s.port, '/', 5));
          await ctx.check(s, { path: '/' }, { status: 429, reason: 'Too Many Requests', headers: { 'Retry-After': null } });
        },
        { http: LIMIT_REQ_ZONE },
      ),
  },
  {
    id: 'N4d',
    server: 'nginx',
    essence: '`limit_conn c 1;` while a slow download is in flight',
    run: (ctx) =>
      ctx.nginx(
        'location / { limit_conn c 1; limit_rate 20k; }',
        async (s) => {
          const first = await openDownload(s.port, { path: '/big.bin' });
          try {
            ctx.record('nginx', 'GET /big.bin (slow, kept open)', '200', String(first.status));
            await ctx.check(s, { path: '/big.bin' }, { status: 503 });
          } finally {
            first.close();
          }
        },
        { http: LIMIT_CONN_ZONE },
      ),
  },
  {
    id: 'N4e',
    server: 'nginx',
    essence: '... + `limit_conn_status 429;`',
    run: (ctx) =>
      ctx.nginx(
        'location / { limit_conn c 1; limit_rate 20k; limit_conn_status 429; }',
        async (s) => {
          const first = await openDownload(s.port, { path: '/big.bin' });
          try {
            ctx.record('nginx', 'GET /big.bin (slow, kept open)', '200', String(first.status));
            await ctx.check(s, { path: '/big.bin' }, { status: 429 });
          } finally {
            first.close();
          }
        },
        { http: LIMIT_CONN_ZONE },
      ),
  },
  {
    id: 'N5a',
    server: 'nginx',
    essence: '`return 429;` + `add_header Retry-After 60 [always];`',
    run: (ctx) =>
      ctx.nginx(
        ['location = /a { add_header Retry-After 60;        return 429; }', 'location = /b { add_header Retry-After 60 always; return 429; }'].join('\n'),
        async (s) => {
          await ctx.check(s, { path: '/a' }, { status: 429, headers: { 'Retry-After': null } });
          await ctx.check(s, { path: '/b' }, { status: 429, headers: { 'Retry-After': '60' } });
        },
      ),
  },
  {
    id: 'N5b',
    server: 'nginx',
    essence: '`return 401;` + `add_header WWW-Authenticate ... [always];`',
    run: (ctx) =>
      ctx.nginx(
        [
          `location = /c { add_header WWW-Authenticate 'Basic realm="x"';        return 401; }`,
          `location = /d { add_header WWW-Authenticate 'Basic realm="x"' always; return 401; }`,
        ].join('\n'),
        async (s) => {
          await ctx.check(s, { path: '/c' }, { status: 401, headers: { 'WWW-Authenticate': null } });
          await ctx.check(s, { path: '/d' }, { status: 401, headers: CHALLENGE });
        },
      ),
  },
  {
    id: 'N6',
    server: 'nginx',
    essence: '`auth_basic "x"; auth_basic_user_file ...;`',
    run: (ctx) =>
      ctx.nginx(`location / { auth_basic "x"; auth_basic_user_file ${ctx.sandbox.htpasswd}; }`, async (s) => {
        await ctx.check(s, { path: '/' }, { status: 401, headers: CHALLENGE });
        await ctx.check(s, { path: '/', auth: `${HTPASSWD_USER}:wrong` }, { status: 401, headers: CHALLENGE });
        await ctx.check(s, { path: '/', auth: 'mallory:x' }, { status: 401, headers: CHALLENGE });
        await ctx.check(s, { path: '/', auth: GOOD }, { status: 200 });
      }),
  },
  {
    id: 'N7a',
    server: 'nginx',
    essence: '`deny all; error_page 403 /custom.html;`',
    run: (ctx) =>
      ctx.nginx('location /secret/ { deny all; error_page 403 /custom.html; }\nlocation = /custom.html { }', (s) =>
        ctx.check(s, { path: '/secret/file.txt' }, { status: 403, body: /^custom error page/ }),
      ),
  },
  {
    id: 'N7b',
    server: 'nginx',
    essence: '`error_page 403 =404 /custom.html;`',
    run: (ctx) =>
      ctx.nginx('location /secret/ { deny all; error_page 403 =404 /custom.html; }\nlocation = /custom.html { }', (s) =>
        ctx.check(s, { path: '/secret/file.txt' }, { status: 404, body: /^custom error page/ }),
      ),
  },
  {
    id: 'N7c',
    server: 'nginx',
    essence: '`error_page 403 = /custom.html;` (bare =)',
    run: (ctx) =>
      ctx.nginx('location /secret/ { deny all; error_page 403 = /custom.html; }\nlocation = /custom.html { }', (s) =>
        ctx.check(s, { path: '/secret/file.txt' }, { status: 200, body: /^custom error page/ }),
      ),
  },
  {
    id: 'N7d',
    server: 'nginx',
    essence: 'server `error_page 403 /custom.html;` + `location / { deny all; }`',
    run: (ctx) =>
      ctx.nginx('error_page 403 /custom.html;\nlocation / { deny all; }', (s) =>
        ctx.check(s, { path: '/x' }, { status: 403, body: /<title>403 Forbidden<\/title>/ }),
      ),
  },
  {
    id: 'N8',
    server: 'nginx',
    essence: 'server `add_header X-Frame-Options DENY;` + location `add_header X-Foo bar;`',
    run: (ctx) =>
      ctx.nginx('add_header X-Frame-Options DENY;\nlocation /a/ { add_header X-Foo bar; }\nlocation /b/ { }', async (s) => {
        await ctx.check(s, { path: '/a/' }, { status: 200, headers: { 'X-Foo': 'bar', 'X-Frame-Options': null } });
        await ctx.check(s, { path: '/b/' }, { status: 200, headers: { 'X-Frame-Options': 'DENY' } });
      }),
  },
  {
    id: 'N9a',
    server: 'nginx',
    essence: '`satisfy any; allow 127.0.0.1; deny all; auth_basic ...`',
    run: (ctx) =>
      ctx.nginx(`location / { satisfy any; allow 127.0.0.1; deny all; auth_basic "x"; auth_basic_user_file ${ctx.sandbox.htpasswd}; }`, async (s) => {
        await ctx.check(s, { path: '/' }, { status: 200 });
        await ctx.check(s, { path: '/', from: OTHER_CLIENT }, { status: 401, headers: CHALLENGE });
        await ctx.check(s, { path: '/', from: OTHER_CLIENT, auth: GOOD }, { status: 200 });
      }),
  },
  {
    id: 'N9b',
    server: 'nginx',
    essence: 'same with default `satisfy all`',
    run: (ctx) =>
      ctx.nginx(`location / { allow 127.0.0.1; deny all; auth_basic "x"; auth_basic_user_file ${ctx.sandbox.htpasswd}; }`, async (s) => {
        await ctx.check(s, { path: '/' }, { status: 401, headers: CHALLENGE });
        await ctx.check(s, { path: '/', auth: GOOD }, { status: 200 });
        await ctx.check(s, { path: '/', from: OTHER_CLIENT, auth: GOOD }, { status: 403 });
      }),
  },
  {
    id: 'N10a',
    server: 'nginx',
    essence: '`return 444;`',
    run: (ctx) => ctx.nginx('location / { return 444; }', (s) => ctx.check(s, { path: '/' }, { closed: true })),
  },
  {
    id: 'N10b',
    server: 'nginx',
    essence: '`return 499;` / `return 408;` / `return 600;`',
    run: (ctx) =>
      ctx.nginx('location = /r499 { return 499; }\nlocation = /r408 { return 408; }\nlocation = /r600 { return 600; }', async (s) => {
        await ctx.check(s, { path: '/r499' }, { closed: true });
        await ctx.check(s, { path: '/r408' }, { closed: true });
        await ctx.check(s, { path: '/r600' }, { status: 600, reason: '', body: /^$/ });
      }),
  },
  {
    id: 'N10c',
    server: 'nginx',
    essence: '`return 1000;`',
    run: (ctx) => ctx.nginxRejects('location / { return 1000; }', /invalid return code "1000"/),
  },
  {
    id: 'N11a',
    server: 'nginx',
    essence: '`location ~ /\\. { deny all; }`',
    run: (ctx) =>
      ctx.nginx('location ~ /\\. { deny all; }', async (s) => {
        await ctx.check(s, { path: '/.git/config' }, { status: 403 });
        await ctx.check(s, { path: '/.well-known/x' }, { status: 403 });
        await ctx.check(s, { path: '/.env' }, { status: 403 });
      }),
  },
  {
    id: 'N11b',
    server: 'nginx',
    essence: '+ `location ^~ /.well-known/ { }`',
    run: (ctx) =>
      ctx.nginx('location ^~ /.well-known/ { }\nlocation ~ /\\. { deny all; }', async (s) => {
        await ctx.check(s, { path: '/.git/config' }, { status: 403 });
        await ctx.check(s, { path: '/.well-known/x' }, { status: 200 });
      }),
  },
];
