/**
 * Conformance cases for the server behaviour described on the status pages 408, 413, 444,
 * 494-497, 499, 500 and 502-504 (ids `C-<server>-<slug>`, cited in each page's `evidence:` and
 * inline as "(conformance: C-…)"). Upstreams and special clients come from ./peers.ts; every
 * timeout is 1-2 s, so each case stays within a few seconds.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type ApacheSkeletonOptions,
  type RunningServer,
  apacheSkeleton,
  freePorts,
  nginxSkeleton,
  openDownload,
  rawStatus,
  request,
  sandboxFile,
  startApache,
  startNginx,
} from '../harness';
import {
  type Exchange,
  type Peer,
  exchange,
  fastcgiPeer,
  h2Request,
  hangUpPeer,
  httpPeer,
  rawGet,
  rawPeer,
  httpsPeer,
  silentPeer,
  stoppedListener,
  deafPeer,
  tlsFile,
} from './peers';
import { type CaseContext, type ConformanceCase, sleep } from './support';

// ------------------------------------------------------------------ helpers

/** Records a free-form row under the case id and fails when `ok` is false. */
function note(ctx: CaseContext, server: RunningServer | 'nginx' | 'apache', requestText: string, expected: string, observed: string, ok: boolean): void {
  const kind = typeof server === 'string' ? server : server.kind;
  ctx.table.add({ scenario: ctx.id, server: kind, request: requestText, expected, observed, ok });
  assert.ok(ok, `${ctx.id}: ${requestText}: expected ${expected}, observed ${observed}`);
}

function accessLogFile(ctx: CaseContext, server: RunningServer): string {
  return server.kind === 'nginx'
    ? path.join(ctx.sandbox.nginxPrefix, 'logs', `${server.name}.access.log`)
    : path.join(ctx.sandbox.apacheRoot, 'logs', `${server.name}.access.log`);
}

const readIf = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

/** Waits (bounded) until the access log has a line matching `pattern`; records it, fails without. */
async function expectAccess(ctx: CaseContext, server: RunningServer, pattern: RegExp): Promise<string> {
  const file = accessLogFile(ctx, server);
  const until = Date.now() + 2000;
  let hit: string | undefined;
  while (!(hit = readIf(file).split('\n').find((l) => pattern.test(l))) && Date.now() < until) await sleep(25);
  note(ctx, server, 'access log', `/${pattern.source}/`, hit ? hit.replace(/^\S+ - - \[[^\]]*\] /, '').slice(0, 140) : '(no such line)', !!hit);
  return hit ?? '';
}

/** The access log's lines, once there are at least `count` of them (bounded wait). */
async function accessLines(ctx: CaseContext, server: RunningServer, count: number): Promise<string[]> {
  const read = () => readIf(accessLogFile(ctx, server)).split('\n').filter(Boolean);
  const until = Date.now() + 2000;
  while (read().length < count && Date.now() < until) await sleep(25);
  // A little longer, so that one line too many shows up as well.
  await sleep(50);
  return read();
}

/** Records the statuses of the access log's lines (they must be exactly `expected`). */
async function expectAccessStatuses(ctx: CaseContext, server: RunningServer, label: string, expected: number[]): Promise<void> {
  const lines = await accessLines(ctx, server, expected.length);
  const statuses = lines.map((l) => /" (\d{3}) /.exec(l)?.[1] ?? '?').join(',');
  note(ctx, server, `access log: ${label}`, expected.join(',') || '(no lines)', statuses || '(no lines)', statuses === expected.join(','));
}

/** Asserts that no error-log line matches `pattern` (after giving the server `settleMs` to write). */
async function expectNoLog(ctx: CaseContext, server: RunningServer, pattern: RegExp, settleMs = 150): Promise<void> {
  await sleep(settleMs);
  const hit = server.errorLog().split('\n').find((l) => pattern.test(l));
  note(ctx, server, 'error log', `no line ~ /${pattern.source}/`, hit ? hit.replace(/^.*?\] (?=[^[])/, '').slice(0, 140) : 'none', !hit);
}

/** How many error-log lines match `pattern`. */
const countLog = (server: RunningServer, pattern: RegExp) => server.errorLog().split('\n').filter((l) => pattern.test(l)).length;

/** An exchange in one line: the status line (or "no response"), how it ended, how long it took. */
function describeExchange(x: Exchange): string {
  const line = x.data.split('\r\n')[0] ?? '';
  const what = rawStatus(x.data) !== undefined ? line : x.data ? `no status line (${JSON.stringify(x.data.slice(0, 30))})` : 'no bytes';
  const first = x.firstByteMs !== undefined ? `first byte after ${Math.round(x.firstByteMs / 100) / 10} s, ` : '';
  return `${what}; ${first}${x.end} after ${Math.round(x.ms / 100) / 10} s`;
}

interface ExchangeExpectation {
  /** Exact status, or 'none' for "no HTTP status line" (pair with `data: /^$/` for "no bytes at all"). */
  status: number | 'none';
  /** A pattern over everything received (status line, headers, body). */
  data?: RegExp;
  /** How the connection must end (`closed` for a server-side close). */
  end?: RegExp;
  /** Time window of the end, ms. */
  within?: [number, number];
  /** The first byte must arrive within this many ms. */
  firstByteBy?: number;
}

/** Records an exchange against its expectation and asserts it. */
function checkExchange(ctx: CaseContext, server: RunningServer | 'nginx' | 'apache', label: string, x: Exchange, e: ExchangeExpectation): void {
  const status = rawStatus(x.data);
  const problems: string[] = [];
  if (e.status === 'none') {
    if (status !== undefined) problems.push(`status ${status}`);
  } else if (status !== e.status) problems.push(`status ${status ?? 'none'}`);
  if (e.data && !e.data.test(x.data)) problems.push(`data does not match /${e.data.source}/: ${JSON.stringify(x.data.split('\r\n\r\n')[0]!.slice(0, 300))}`);
  if (e.end && !e.end.test(x.end)) problems.push(`ended with ${x.end}`);
  if (e.within && (x.ms < e.within[0] || x.ms > e.within[1])) problems.push(`ended after ${x.ms} ms`);
  if (e.firstByteBy !== undefined && (x.firstByteMs === undefined || x.firstByteMs > e.firstByteBy)) problems.push(`first byte after ${x.firstByteMs ?? '∞'} ms`);
  const expected = [
    e.status === 'none' ? 'no status line' : String(e.status),
    e.data ? `~ /${e.data.source}/` : '',
    e.end ? `end ~ /${e.end.source}/` : '',
    e.within ? `within ${e.within[0] / 1000}-${e.within[1] / 1000} s` : '',
    e.firstByteBy !== undefined ? `first byte within ${e.firstByteBy / 1000} s` : '',
  ]
    .filter(Boolean)
    .join(', ');
  note(ctx, server, label, expected, describeExchange(x) + (problems.length ? ` [${problems.join('; ')}]` : ''), problems.length === 0);
}

/** nginx with several `server` blocks, one port each: `servers(ports)` returns the http-level body. */
async function nginxServers(ctx: CaseContext, portCount: number, servers: (ports: number[]) => string, fn: (s: RunningServer) => Promise<unknown>): Promise<void> {
  const server = await startNginx(ctx.sandbox, ctx.id, (...ports: number[]) => nginxSkeleton(ctx.sandbox, ctx.id, servers(ports)), portCount);
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

/** Apache with extra `Listen` ports: `body(ports)` follows the skeleton (which listens on ports[0]). */
async function apacheServers(ctx: CaseContext, portCount: number, body: (ports: number[]) => string, fn: (s: RunningServer) => Promise<unknown>, options: ApacheSkeletonOptions & { name?: string } = {}): Promise<void> {
  const name = options.name ?? ctx.id;
  const server = await startApache(
    ctx.sandbox,
    name,
    (...ports: number[]) => apacheSkeleton(ctx.sandbox, name, ports[0]!, [...ports.slice(1).map((p) => `Listen 127.0.0.1:${p}`), body(ports)].join('\n'), options),
    portCount,
  );
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

/** Runs `fn` with peers that are closed afterwards, whatever happens (also when one fails to open). */
async function withPeers<T extends Peer[]>(peers: readonly [...{ [K in keyof T]: Promise<T[K]> }], fn: (...peers: T) => Promise<void>): Promise<void> {
  const settled = await Promise.allSettled(peers);
  const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value as Peer] : []));
  try {
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Every promise fulfilled, in order: `opened` is exactly T.
    await fn(...(opened as unknown as T));
  } finally {
    await Promise.all(opened.map((p) => p.close()));
  }
}

/** The test-only TLS server certificate and key, copied into the sandbox (key 0600). */
function serverTls(ctx: CaseContext): { cert: string; key: string } {
  return {
    cert: sandboxFile(ctx.sandbox, 'tls/test-only.crt', tlsFile('test-only.crt')),
    key: sandboxFile(ctx.sandbox, 'tls/test-only.key', tlsFile('test-only.key'), 0o600),
  };
}

/** A client-CA file of test/conformance/tls/, copied into the sandbox. */
const clientCaFile = (ctx: CaseContext, name: string) => sandboxFile(ctx.sandbox, `tls/${name}`, tlsFile(name));

/** Client identities (certificate + key PEM) of test/conformance/tls/ (see make-client-certs.sh). */
const CLIENT = {
  good: () => tlsFile('client-good.pem'),
  selfSigned: () => tlsFile('client-self-signed.pem'),
  unknownCa: () => tlsFile('client-unknown-ca.pem'),
  expired: () => tlsFile('client-expired.pem'),
  viaIntermediate: () => tlsFile('client-via-intermediate.pem'),
};

/** Request text for a raw POST with a Content-Length and (part of) a body. */
const rawPost = (target: string, length: number, body = '') => `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${body}`;

/** nginx's log_format for upstream cases: status, upstream status, bytes sent, request. */
const UPSTREAM_LOG = `log_format up '$status up=$upstream_status bytes=$bytes_sent "$request"';`;

// ------------------------------------------------------------------ nginx

const nginxCases: ConformanceCase[] = [
  {
    id: 'C-nginx-client-timeout-408',
    server: 'nginx',
    essence: '`client_header_timeout 1s; client_body_timeout 1s;`: partial header, stalled body, idle connection (408.md)',
    run: (ctx) =>
      withPeers([httpPeer((req, res) => req.resume().on('end', () => res.end('ok\n')))], (up) =>
        ctx.nginx(`client_header_timeout 1s;\nclient_body_timeout 1s;\nlocation / { }\nlocation /upload { proxy_pass http://127.0.0.1:${up.port}; }`, async (s) => {
          const [header, body, idle] = await Promise.all([
            exchange(s.port, { send: [{ bytes: 'GET /stalled-header HTTP/1.1\r\nHost: a\r\n' }] }),
            exchange(s.port, { send: [{ bytes: 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc' }] }),
            exchange(s.port, { send: [] }),
          ]);
          const window: [number, number] = [900, 2500];
          checkExchange(ctx, s, 'request line + Host, then silence', header, { status: 'none', data: /^$/, end: /^closed$/, within: window });
          checkExchange(ctx, s, 'POST, Content-Length 10, 3 body bytes, then silence', body, { status: 'none', data: /^$/, end: /^closed$/, within: window });
          checkExchange(ctx, s, 'connect, send nothing', idle, { status: 'none', data: /^$/, end: /^closed$/, within: window });
          await expectAccess(ctx, s, /"GET \/stalled-header HTTP\/1\.1" 408 0 /);
          await expectAccess(ctx, s, /"POST \/upload HTTP\/1\.1" 408 0 /);
          await expectAccessStatuses(ctx, s, 'every line (none for the idle connection)', [408, 408]);
          await ctx.expectLog(s, /\[info\] .*client timed out \(110: Connection timed out\) while reading client request headers/);
          await ctx.expectLog(s, /\[info\] .*client timed out \(110: Connection timed out\) while waiting for request/);
          // The stalled body leaves no error-log line at all (only the access log has it).
          await expectNoLog(ctx, s, /POST \/upload/);
          note(ctx, s, 'upstream requests for the stalled upload', '0', String(up.connections), up.connections === 0);
        }),
      ),
  },
  {
    id: 'C-nginx-client-body-413',
    server: 'nginx',
    essence: 'default `client_max_body_size` (1m): Content-Length 2 MB without a body, a chunked 2 MB body; `client_max_body_size 0` (413.md)',
    run: (ctx) =>
      withPeers([httpPeer((req, res) => req.resume().on('end', () => res.end('ok\n')))], (up) =>
        ctx.nginx(`location / { proxy_pass http://127.0.0.1:${up.port}; }\nlocation /unlimited/ { client_max_body_size 0; proxy_pass http://127.0.0.1:${up.port}; }`, async (s) => {
          // Only the head: nginx must answer from Content-Length alone, without waiting for a body.
          const head = await exchange(s.port, { send: [{ bytes: 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2097152\r\n\r\n' }], timeoutMs: 700 });
          checkExchange(ctx, s, 'POST head with Content-Length: 2097152, no body bytes', head, { status: 413, data: /\r\nConnection: close\r\n[\s\S]*<title>413 Request Entity Too Large<\/title>/, firstByteBy: 500 });
          await ctx.expectLog(s, /\[error\] .*client intended to send too large body: 2097152 bytes/);
          const chunk = `${(1024 * 1024).toString(16)}\r\n${'x'.repeat(1024 * 1024)}\r\n`;
          const chunked = await exchange(s.port, { send: [{ bytes: `POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n` }] });
          checkExchange(ctx, s, 'POST chunked, 2 × 1 MB chunks', chunked, { status: 413 });
          await ctx.expectLog(s, /\[error\] .*client intended to send too large chunked body: [\d+]+ bytes/);
          note(ctx, s, 'upstream requests for the two rejected bodies', '0', String(up.connections), up.connections === 0);
          const body = 'x'.repeat(2 * 1024 * 1024);
          await ctx.check(s, { method: 'POST', path: '/unlimited/upload', body }, { status: 200, body: /^ok/ });
        }),
      ),
  },
  {
    id: 'C-nginx-494-header-buffers',
    server: 'nginx',
    essence: '`large_client_header_buffers 2 1k`: long header line, too many header bytes, long request line; `error_page 494 =431` and `error_page 494 /page` (494.md)',
    run: (ctx) =>
      nginxServers(
        ctx,
        3,
        (ports) =>
          [
            'large_client_header_buffers 2 1k;',
            ...[['plain', ''], ['431', 'error_page 494 =431 /custom.html;'], ['page', 'error_page 494 /custom.html;']].map(
              ([, extra], i) => `server {\n    listen 127.0.0.1:${ports[i]};\n    root ${ctx.sandbox.www};\n    ${extra}\n    location / { }\n}`,
            ),
          ].join('\n'),
        async (s) => {
          const [plain, mapped, page] = s.ports as [number, number, number];
          const longLine = rawGet('/', `X-Big: ${'x'.repeat(1500)}\r\n`);
          const manyLines = rawGet('/', Array.from({ length: 4 }, (_, i) => `X-Part-${i}: ${'y'.repeat(700)}\r\n`).join(''));
          checkExchange(ctx, s, 'one 1.5 KB header line', await exchange(plain, { send: [{ bytes: longLine }] }), { status: 400, data: /\r\nConnection: close\r\n[\s\S]*<title>400 Request Header Or Cookie Too Large<\/title>/ });
          await ctx.expectLog(s, /\[info\] .*client sent too long header line: "X-Big: xxx/);
          checkExchange(ctx, s, 'four 0.7 KB header lines (2.8 KB > 2 × 1k)', await exchange(plain, { send: [{ bytes: manyLines }] }), { status: 400, data: /<title>400 Request Header Or Cookie Too Large<\/title>/ });
          // All buffers full: the same message, naming the line that no longer fit.
          await ctx.expectLog(s, /\[info\] .*client sent too long header line: "X-Part-3: yyy/);
          await expectAccessStatuses(ctx, s, 'statuses of both', [400, 400]);
          checkExchange(ctx, s, 'request line of 1.5 KB', await exchange(plain, { send: [{ bytes: rawGet(`/${'a'.repeat(1500)}`) }] }), { status: 414 });
          checkExchange(ctx, s, '`error_page 494 =431 /custom.html;`: one 1.5 KB header line', await exchange(mapped, { send: [{ bytes: longLine }] }), { status: 431, data: /^HTTP\/1\.1 431 \r\n[\s\S]*\r\n\r\ncustom error page/ });
          checkExchange(ctx, s, '`error_page 494 /custom.html;`: one 1.5 KB header line', await exchange(page, { send: [{ bytes: longLine }] }), { status: 400, data: /\r\n\r\ncustom error page/ });
        },
      ),
  },
  {
    id: 'C-nginx-http2-large-header',
    server: 'nginx',
    essence: '`listen … ssl http2` + `large_client_header_buffers 2 1k`: one 1.5 KB header, 2.8 KB of headers over HTTP/2 (494.md)',
    run: (ctx) => {
      const { cert, key } = serverTls(ctx);
      return ctx.nginx(
        `ssl_certificate ${cert};\nssl_certificate_key ${key};\nlarge_client_header_buffers 2 1k;\nlocation / { return 200 "ok\\n"; }`,
        async (s) => {
          const ok = await h2Request(s.port, {});
          note(ctx, s, 'HTTP/2 GET / (small headers)', 'response 200', ok.kind === 'response' ? `response ${ok.status}` : JSON.stringify(ok), ok.kind === 'response' && ok.status === 200);
          for (const [label, headers, log] of [
            ['HTTP/2 GET / with one 1.5 KB header', { 'x-big': 'x'.repeat(1500) }, /\[info\] .*client sent too large header field while processing HTTP\/2 connection/],
            ['HTTP/2 GET / with four 0.7 KB headers', Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`x-part-${i}`, 'y'.repeat(700)])), /\[info\] .*client sent too large header while processing HTTP\/2 connection/],
          ] as const) {
            const o = await h2Request(s.port, headers);
            const observed = o.kind === 'response' ? `response ${o.status}` : `no response; stream ${o.stream}; session ${o.session}${o.goaway !== undefined ? `; GOAWAY ${o.goaway}` : ''}`;
            note(ctx, s, label, 'no response; GOAWAY 11 (ENHANCE_YOUR_CALM) ends the connection', observed, o.kind === 'error' && o.goaway === 11);
            await ctx.expectLog(s, log);
          }
        },
        { listenSuffix: ' ssl http2' },
      );
    },
  },
  {
    id: 'C-nginx-497-plain-http-to-tls',
    server: 'nginx',
    essence: 'plain HTTP to `listen … ssl`: no error_page, `error_page 497 /page`, `=301 https://…`, `https://…` without =code (497.md)',
    run: (ctx) => {
      const { cert, key } = serverTls(ctx);
      const variants = ['', 'error_page 497 /custom.html;', 'error_page 497 =301 https://$host$request_uri;', 'error_page 497 https://$host:$server_port$request_uri;'];
      return nginxServers(
        ctx,
        variants.length + 1,
        (ports) =>
          [
            ...variants.map((v, i) => `server {\n    listen 127.0.0.1:${ports[i]} ssl;\n    ssl_certificate ${cert};\n    ssl_certificate_key ${key};\n    root ${ctx.sandbox.www};\n    ${v}\n    location / { }\n}`),
            `server {\n    listen 127.0.0.1:${ports[variants.length]};\n    root ${ctx.sandbox.www};\n    location / { }\n}`,
          ].join('\n'),
        async (s) => {
          const [plain, page, moved, found, plainPort] = s.ports as [number, number, number, number, number];
          const get = rawGet('/a/index.html?x=1');
          checkExchange(ctx, s, 'plain HTTP GET, no error_page', await exchange(plain, { send: [{ bytes: get }] }), { status: 400, data: /<title>400 The plain HTTP request was sent to HTTPS port<\/title>/ });
          await expectAccess(ctx, s, /"GET \/a\/index\.html\?x=1 HTTP\/1\.1" 400 /);
          await ctx.expectLog(s, /\[info\] .*client sent plain HTTP request to HTTPS port while reading client request headers/);
          checkExchange(ctx, s, 'plain HTTP GET, `error_page 497 /custom.html;`', await exchange(page, { send: [{ bytes: get }] }), { status: 400, data: /\r\n\r\ncustom error page/ });
          checkExchange(ctx, s, 'plain HTTP GET, `error_page 497 =301 https://$host$request_uri;`', await exchange(moved, { send: [{ bytes: get }] }), {
            status: 301,
            data: /\r\nLocation: https:\/\/127\.0\.0\.1\/a\/index\.html\?x=1\r\n/,
          });
          checkExchange(ctx, s, 'plain HTTP GET, `error_page 497 https://$host:$server_port$request_uri;`', await exchange(found, { send: [{ bytes: get }] }), {
            status: 302,
            data: new RegExp(`\\r\\nLocation: https://127\\.0\\.0\\.1:${found}/a/index\\.html\\?x=1\\r\\n`),
          });
          // The opposite mistake: a TLS ClientHello on a plain port.
          const hello = await exchange(plainPort, { send: [], tls: {} });
          note(ctx, s, 'TLS handshake to a plain-HTTP port', 'handshake fails', hello.end, hello.end !== 'closed' && hello.peerCN === undefined);
          await expectAccess(ctx, s, /"\\x16\\x03\\x01.*" 400 /);
          await ctx.expectLog(s, /\[info\] .*client sent invalid method while reading client request line/);
        },
      );
    },
  },
  {
    id: 'C-nginx-ssl-verify-client-496',
    server: 'nginx',
    essence: 'no client certificate under `ssl_verify_client on` and `optional`; `ssl_verify_client` in a location (496.md)',
    run: async (ctx) => {
      const { cert, key } = serverTls(ctx);
      const ca = clientCaFile(ctx, 'client-ca.crt');
      const tlsServer = (port: number, mode: string) =>
        `server {\n    listen 127.0.0.1:${port} ssl;\n    ssl_certificate ${cert};\n    ssl_certificate_key ${key};\n    ssl_client_certificate ${ca};\n    ssl_verify_client ${mode};\n    location / { return 200 "verify=$ssl_client_verify\\n"; }\n}`;
      await nginxServers(
        ctx,
        2,
        (ports) => [tlsServer(ports[0]!, 'on'), tlsServer(ports[1]!, 'optional')].join('\n'),
        async (s) => {
          const [on, optional] = s.ports as [number, number];
          const x = await exchange(on, { send: [{ bytes: rawGet('/') }], tls: {} });
          checkExchange(ctx, s, '`ssl_verify_client on`, no certificate', x, { status: 400, data: /\r\nConnection: close\r\n[\s\S]*<title>400 No required SSL certificate was sent<\/title>/ });
          await ctx.expectLog(s, /\[info\] .*client sent no required SSL certificate while reading client request headers/);
          await expectAccess(ctx, s, /"GET \/ HTTP\/1\.1" 400 /);
          checkExchange(ctx, s, '`ssl_verify_client on`, certificate of the trusted CA', await exchange(on, { send: [{ bytes: rawGet('/') }], tls: { pem: CLIENT.good() } }), { status: 200, data: /verify=SUCCESS/ });
          checkExchange(ctx, s, '`ssl_verify_client optional`, no certificate', await exchange(optional, { send: [{ bytes: rawGet('/') }], tls: {} }), { status: 200, data: /verify=NONE/ });
        },
      );
      await ctx.nginxConfigTest(`ssl_certificate ${cert};\nssl_certificate_key ${key};\nlocation /admin/ { ssl_verify_client on; }`, { ok: false, output: /"ssl_verify_client" directive is not allowed here/ }, { label: '`ssl_verify_client on;` inside a location' });
    },
  },
  {
    id: 'C-nginx-ssl-verify-client-495',
    server: 'nginx',
    essence: 'client certificates that fail verification under `on`, `optional`, `optional_no_ca`; an intermediate with the default `ssl_verify_depth 1` (495.md)',
    run: (ctx) => {
      const { cert, key } = serverTls(ctx);
      const ca = clientCaFile(ctx, 'client-ca.crt');
      const chain = clientCaFile(ctx, 'client-ca-and-intermediate.crt');
      const tlsServer = (port: number, mode: string, caFile: string, extra = '') =>
        `server {\n    listen 127.0.0.1:${port} ssl;\n    ssl_certificate ${cert};\n    ssl_certificate_key ${key};\n    ssl_client_certificate ${caFile};\n    ssl_verify_client ${mode};\n    ${extra}\n    location / { return 200 "verify=$ssl_client_verify\\n"; }\n}`;
      return nginxServers(
        ctx,
        5,
        (ports) =>
          [
            tlsServer(ports[0]!, 'on', ca),
            tlsServer(ports[1]!, 'optional', ca),
            tlsServer(ports[2]!, 'optional_no_ca', ca),
            tlsServer(ports[3]!, 'on', chain),
            tlsServer(ports[4]!, 'on', chain, 'ssl_verify_depth 0;'),
          ].join('\n'),
        async (s) => {
          const [on, optional, noCa, depth1, depth0] = s.ports as [number, number, number, number, number];
          const get = (port: number, pem: string) => exchange(port, { send: [{ bytes: rawGet('/') }], tls: { pem } });
          const title = /\r\nConnection: close\r\n[\s\S]*<title>400 The SSL certificate error<\/title>/;
          for (const [label, pem, log] of [
            ['self-signed certificate', CLIENT.selfSigned(), /\[info\] .*client SSL certificate verify error: \(18:self-signed certificate\) while reading client request headers/],
            ['certificate of an untrusted CA', CLIENT.unknownCa(), /\[info\] .*client SSL certificate verify error: \(21:unable to verify the first certificate\)/],
            ['expired certificate of the trusted CA', CLIENT.expired(), /\[info\] .*client SSL certificate verify error: \(10:certificate has expired\)/],
          ] as const) {
            checkExchange(ctx, s, `\`ssl_verify_client on\`, ${label}`, await get(on, pem), { status: 400, data: title });
            await ctx.expectLog(s, log);
          }
          await expectAccessStatuses(ctx, s, 'statuses of the three', [400, 400, 400]);
          checkExchange(ctx, s, '`ssl_verify_client optional`, self-signed certificate', await get(optional, CLIENT.selfSigned()), { status: 400, data: title });
          checkExchange(ctx, s, '`ssl_verify_client optional_no_ca`, self-signed certificate', await get(noCa, CLIENT.selfSigned()), { status: 200, data: /verify=FAILED:self-signed certificate/ });
          // The issuing intermediate missing from the CA file (the client sends only its own certificate).
          checkExchange(ctx, s, '`ssl_verify_client on`, CA file = root only, client certificate issued by an intermediate', await get(on, CLIENT.viaIntermediate()), { status: 400, data: title });
          await sleep(100);
          const err21 = countLog(s, /client SSL certificate verify error: \(21:unable to verify the first certificate\)/);
          note(ctx, s, 'error log: lines with (21:unable to verify the first certificate)', '2 (untrusted CA, missing intermediate)', String(err21), err21 === 2);
          checkExchange(ctx, s, 'CA file = root + intermediate, default `ssl_verify_depth 1`, client via intermediate', await get(depth1, CLIENT.viaIntermediate()), { status: 200, data: /verify=SUCCESS/ });
          checkExchange(ctx, s, 'same with `ssl_verify_depth 0`', await get(depth0, CLIENT.viaIntermediate()), { status: 400, data: title });
          await ctx.expectLog(s, /\[info\] .*client SSL certificate verify error: \(2:unable to get issuer certificate\)/);
        },
      );
    },
  },
  {
    id: 'C-nginx-ssl-reject-handshake',
    server: 'nginx',
    essence: '`listen … ssl` + `return 444` vs `ssl_reject_handshake on` (444.md)',
    run: (ctx) => {
      const { cert, key } = serverTls(ctx);
      return nginxServers(
        ctx,
        2,
        (ports) =>
          [
            `server {\n    listen 127.0.0.1:${ports[0]} ssl;\n    ssl_certificate ${cert};\n    ssl_certificate_key ${key};\n    return 444;\n}`,
            `server {\n    listen 127.0.0.1:${ports[1]} ssl;\n    ssl_reject_handshake on;\n}`,
          ].join('\n'),
        async (s) => {
          const [drop, reject] = s.ports as [number, number];
          const dropped = await exchange(drop, { send: [{ bytes: rawGet('/') }], tls: {} });
          note(ctx, s, '`return 444` on a TLS port: certificate presented, then', 'CN statuslens-conformance.invalid; no bytes; closed', `CN ${dropped.peerCN ?? '(none)'}; ${dropped.data.length ? `${dropped.data.length} bytes` : 'no bytes'}; ${dropped.end}`, dropped.peerCN === 'statuslens-conformance.invalid' && dropped.data === '' && dropped.end === 'closed');
          const rejected = await exchange(reject, { send: [{ bytes: rawGet('/') }], tls: {} });
          note(ctx, s, '`ssl_reject_handshake on`', 'handshake refused (unrecognized_name alert), no certificate', `${rejected.end}; CN ${rejected.peerCN ?? '(none)'}`, rejected.peerCN === undefined && /UNRECOGNIZED_NAME/.test(rejected.end));
        },
      );
    },
  },
  {
    id: 'C-nginx-upstream-status-relayed',
    server: 'nginx',
    essence: 'an upstream answering 444, 500, 502, 503, 504 (444.md, 500.md, 502.md, 503.md, 504.md)',
    run: (ctx) =>
      withPeers(
        [
          httpPeer((req, res) => {
            res.statusCode = Number(/\/(\d{3})$/.exec(req.url ?? '')?.[1] ?? 200);
            res.end(`upstream says ${res.statusCode}\n`);
          }),
        ],
        (up) =>
          ctx.nginx(
            `access_log ${ctx.sandbox.nginxPrefix}/logs/${ctx.id}.access.log up;\nlocation / { proxy_pass http://127.0.0.1:${up.port}; }`,
            async (s) => {
              for (const code of [444, 500, 502, 503, 504]) {
                await ctx.check(s, { path: `/s/${code}` }, { status: code, body: new RegExp(`^upstream says ${code}`) });
                await expectAccess(ctx, s, new RegExp(`^${code} up=${code} bytes=\\d+ "GET /s/${code} `));
              }
              await expectNoLog(ctx, s, /\[(error|warn)\]/);
            },
            { http: UPSTREAM_LOG },
          ),
      ),
  },
  {
    id: 'C-nginx-upstream-http09',
    server: 'nginx',
    essence: 'an upstream that answers bytes that are not HTTP (502.md)',
    run: (ctx) =>
      withPeers([rawPeer('garbage, not HTTP\n')], (up) =>
        ctx.nginx(
          `access_log ${ctx.sandbox.nginxPrefix}/logs/${ctx.id}.access.log up;\nlocation / { proxy_pass http://127.0.0.1:${up.port}; }`,
          async (s) => {
            const x = await exchange(s.port, { send: [{ bytes: rawGet('/x') }] });
            checkExchange(ctx, s, 'GET /x (raw): the bytes, as they came', x, { status: 'none', data: /^garbage, not HTTP\n$/, end: /^closed$/ });
            await ctx.expectLog(s, /\[error\] .*upstream sent no valid HTTP\/1\.0 header while reading response header from upstream/);
            await expectAccess(ctx, s, /^009 up=\d+ bytes=\d+ "GET \/x /);
          },
          { http: UPSTREAM_LOG },
        ),
      ),
  },
  {
    id: 'C-nginx-upstream-errors-502',
    server: 'nginx',
    essence: 'upstream refused, missing or forbidden Unix socket, closed, reset, too big or invalid header, TLS failures, no resolver, no live upstreams; buffer sizes for `nginx -t` (502.md, 503.md)',
    run: async (ctx) => {
      const [refusedPort, deadA, deadB] = await freePorts(3);
      const forbidden = path.join(ctx.sandbox.root, 'forbidden.sock');
      const bigHeader = `HTTP/1.1 200 OK\r\nSet-Cookie: big=${'c'.repeat(10_000)}\r\nContent-Length: 3\r\n\r\nok\n`;
      await withPeers(
        [
          hangUpPeer('close'),
          hangUpPeer('reset'),
          rawPeer(bigHeader),
          rawPeer('HTTP/1.1 200 OK\r\nThis is not a header\r\nContent-Length: 3\r\n\r\nok\n'),
          httpPeer((_req, res) => res.end('plain http\n')),
          httpsPeer((_req, res) => res.end('https\n')),
          silentPeer({ unix: forbidden, mode: 0o600 }),
        ],
        (closing, resetting, big, badHeader, plainHttp, tlsUp, _forbidden) =>
          ctx.nginx(
            [
              `location /refused { proxy_pass http://127.0.0.1:${refusedPort}; }`,
              `location /nosock { proxy_pass http://unix:${ctx.sandbox.root}/no-such.sock; }`,
              `location /forbidden { proxy_pass http://unix:${forbidden}; }`,
              `location /closed { proxy_pass http://127.0.0.1:${closing.port}; }`,
              `location /reset { proxy_pass http://127.0.0.1:${resetting.port}; }`,
              `location /bigheader { proxy_pass http://127.0.0.1:${big.port}; }`,
              `location /badheader { proxy_pass http://127.0.0.1:${badHeader.port}; }`,
              `location /tls-to-plain { proxy_pass https://127.0.0.1:${plainHttp.port}; }`,
              `location /tls-verify { proxy_pass https://127.0.0.1:${tlsUp.port}; proxy_ssl_verify on; proxy_ssl_trusted_certificate ${clientCaFile(ctx, 'client-ca.crt')}; }`,
              'location /resolver { set $backend backend.invalid; proxy_pass http://$backend; }',
              'location /group { proxy_pass http://dead; }',
            ].join('\n'),
            async (s) => {
              for (const [p, log] of [
                ['/refused', /\[error\] .*connect\(\) failed \(111: Connection refused\) while connecting to upstream/],
                ['/nosock', /\[crit\] .*connect\(\) to unix:.*no-such\.sock failed \(2: No such file or directory\) while connecting to upstream/],
                ['/forbidden', /\[crit\] .*connect\(\) to unix:.*forbidden\.sock failed \(13: Permission denied\) while connecting to upstream/],
                ['/closed', /\[error\] .*upstream prematurely closed connection while reading response header from upstream/],
                ['/reset', /\[error\] .*recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/],
                ['/bigheader', /\[error\] .*upstream sent too big header while reading response header from upstream/],
                ['/badheader', /\[error\] .*upstream sent invalid header.* while reading response header from upstream/],
                ['/tls-to-plain', /\[error\] .*SSL_do_handshake\(\) failed .*wrong version number\) while SSL handshaking to upstream/],
                ['/tls-verify', /\[error\] .*upstream SSL certificate verify error: \(18:self-signed certificate\) while SSL handshaking to upstream/],
                ['/resolver', /\[error\] .*no resolver defined to resolve backend\.invalid/],
              ] as const) {
                await ctx.check(s, { path: p }, { status: 502, body: /<title>502 Bad Gateway<\/title>/ });
                await ctx.expectLog(s, log);
              }
              // Two servers, nothing listening: the first request tries both, the next finds none alive.
              await ctx.check(s, { path: '/group' }, { status: 502 });
              const refused = countLog(s, /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*request: "GET \/group /);
              note(ctx, s, 'GET /group: connect() failures logged', '2 (both servers tried)', String(refused), refused === 2);
              await ctx.check(s, { path: '/group' }, { status: 502 });
              await ctx.expectLog(s, /\[error\] .*no live upstreams while connecting to upstream, .*request: "GET \/group /);
              // The buffer sizes 502.md suggests for big headers, and the check nginx -t makes on them.
              await ctx.nginxConfigTest('proxy_buffer_size 16k;\nproxy_buffers 8 16k;\nproxy_busy_buffers_size 32k;', { ok: true }, { label: 'proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;' });
              await ctx.nginxConfigTest('proxy_buffer_size 16k;\nproxy_buffers 8 16k;\nproxy_busy_buffers_size 8k;', { ok: false, output: /"proxy_busy_buffers_size" must be equal to or greater than/ }, { label: 'same with proxy_busy_buffers_size 8k;' });
              await ctx.nginxConfigTest('location / { proxy_pass https://127.0.0.1:9; proxy_ssl_verify on; }', { ok: false, output: /no proxy_ssl_trusted_certificate for proxy_ssl_verify/ }, { label: '`proxy_ssl_verify on;` without `proxy_ssl_trusted_certificate`' });
            },
            { http: `upstream dead {\n    server 127.0.0.1:${deadA};\n    server 127.0.0.1:${deadB};\n}` },
          ),
      );
    },
  },
  {
    id: 'C-nginx-fastcgi-backlog',
    server: 'nginx',
    essence: '`fastcgi_pass unix:…` to a listener that never accepts (backlog 1), `fastcgi_read_timeout 1s` (502.md, 504.md)',
    run: async (ctx) => {
      const sock = path.join(ctx.sandbox.root, 'stalled-fpm.sock');
      const listener = await stoppedListener({ unix: sock }, 1);
      try {
        await ctx.nginx(`location / { fastcgi_pass unix:${sock}; fastcgi_read_timeout 1s; }`, async (s) => {
          const results = await Promise.all(Array.from({ length: 4 }, (_, i) => exchange(s.port, { send: [{ bytes: rawGet(`/r${i}`) }], timeoutMs: 3000 })));
          const codes = results.map((x) => rawStatus(x.data) ?? 0);
          const queued = results.filter((x) => rawStatus(x.data) === 504);
          const refused = results.filter((x) => rawStatus(x.data) === 502);
          note(ctx, s, '4 parallel GETs: statuses', 'some 504 (queued), the rest 502 (backlog full)', codes.join(','), queued.length >= 1 && refused.length >= 1 && queued.length + refused.length === 4);
          note(ctx, s, 'the 504s came after fastcgi_read_timeout', 'all within 0.9-2.5 s', queued.map((x) => `${x.ms} ms`).join(', '), queued.every((x) => x.ms >= 900 && x.ms <= 2500));
          await ctx.expectLog(s, /\[error\] .*connect\(\) to unix:.*stalled-fpm\.sock failed \(11: Resource temporarily unavailable\) while connecting to upstream/);
          await ctx.expectLog(s, /\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream/);
        });
      } finally {
        await listener.close();
      }
    },
  },
  {
    id: 'C-nginx-upstream-connect-timeout-504',
    server: 'nginx',
    essence: '`proxy_connect_timeout 1s` to a TCP listener that accepts nothing (backlog 1, SYNs dropped once full) (504.md)',
    run: async (ctx) => {
      const [port] = await freePorts(1);
      const listener = await stoppedListener({ port: port! }, 1);
      try {
        await ctx.nginx(`location / { proxy_pass http://127.0.0.1:${port}; proxy_connect_timeout 1s; proxy_read_timeout 1s; }`, async (s) => {
          const results = await Promise.all(Array.from({ length: 4 }, (_, i) => exchange(s.port, { send: [{ bytes: rawGet(`/r${i}`) }], timeoutMs: 4000 })));
          const codes = results.map((x) => rawStatus(x.data) ?? 0);
          note(ctx, s, '4 parallel GETs: statuses', '504,504,504,504', codes.join(','), codes.every((c) => c === 504));
          note(ctx, s, '4 parallel GETs: times', 'all within 0.9-3 s', results.map((x) => `${x.ms} ms`).join(', '), results.every((x) => x.ms >= 900 && x.ms <= 3000));
          await ctx.expectLog(s, /\[error\] .*upstream timed out \(110: Connection timed out\) while connecting to upstream/);
        });
      } finally {
        await listener.close();
      }
    },
  },
  {
    id: 'C-nginx-next-upstream',
    server: 'nginx',
    essence: '`upstream { server <failing> max_fails=0; server <good> backup; }`: refused, 503 with `proxy_next_upstream … http_503`, timeout; GET vs POST (502.md, 503.md, 504.md)',
    run: async (ctx) => {
      const [refusedPort] = await freePorts(1);
      await withPeers(
        [
          httpPeer((req, res) => req.resume().on('end', () => res.end('good\n'))),
          httpPeer((req, res) => req.resume().on('end', () => ((res.statusCode = 503), res.end('busy\n')))),
          silentPeer(),
        ],
        (good, busy, slow) => {
          const group = (name: string, port: number) => `upstream ${name} {\n    server 127.0.0.1:${port} max_fails=0;\n    server 127.0.0.1:${good.port} backup;\n}`;
          return ctx.nginx(
            [
              'location /refused/ { proxy_pass http://refused; }',
              'location /busy/ { proxy_pass http://busy; proxy_next_upstream error timeout http_503; }',
              'location /busy-ni/ { proxy_pass http://busy; proxy_next_upstream error timeout http_503 non_idempotent; }',
              'location /slow/ { proxy_pass http://slow; proxy_read_timeout 1s; }',
            ].join('\n'),
            async (s) => {
              await ctx.check(s, { path: '/refused/x' }, { status: 200, body: /^good/ });
              await ctx.check(s, { method: 'POST', path: '/refused/x', body: 'x' }, { status: 200, body: /^good/ });
              await ctx.check(s, { path: '/busy/x' }, { status: 200, body: /^good/ });
              await ctx.check(s, { method: 'POST', path: '/busy/x', body: 'x' }, { status: 503, body: /^busy/ });
              await ctx.check(s, { method: 'POST', path: '/busy-ni/x', body: 'x' }, { status: 200, body: /^good/ });
              const [get, post] = await Promise.all([
                exchange(s.port, { send: [{ bytes: rawGet('/slow/x') }] }),
                exchange(s.port, { send: [{ bytes: 'POST /slow/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx' }] }),
              ]);
              checkExchange(ctx, s, 'GET /slow/x (first server silent, `proxy_read_timeout 1s`)', get, { status: 200, data: /\r\n\r\n(?:5\r\n)?good\n/, within: [900, 2500] });
              checkExchange(ctx, s, 'POST /slow/x (same)', post, { status: 504, within: [900, 2500] });
              note(ctx, s, 'requests the silent server received', '2', String(slow.connections), slow.connections === 2);
            },
            { http: [group('refused', refusedPort!), group('busy', busy.port), group('slow', slow.port)].join('\n') },
          );
        },
      );
    },
  },
  {
    id: 'C-nginx-upstream-timeout-504',
    server: 'nginx',
    essence: '`proxy_read_timeout 1s` / `fastcgi_read_timeout 1s` / `proxy_send_timeout 1s`: silent upstream, an upstream that stalls mid-body, one that never reads a 32 MB body (504.md)',
    run: (ctx) =>
      withPeers([silentPeer(), rawPeer(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n${'b'.repeat(2000)}`, { keepOpen: true }), silentPeer(), deafPeer()], (slow, stalling, fcgi, deaf) =>
        ctx.nginx(
          [
            `location /slow { proxy_pass http://127.0.0.1:${slow.port}; proxy_read_timeout 1s; }`,
            `location /trunc { proxy_pass http://127.0.0.1:${stalling.port}; proxy_read_timeout 1s; }`,
            `location /php { fastcgi_pass 127.0.0.1:${fcgi.port}; fastcgi_read_timeout 1s; }`,
            // More than the loopback socket buffers hold, so that sending stalls.
            `location /upload { client_max_body_size 0; proxy_pass http://127.0.0.1:${deaf.port}; proxy_send_timeout 1s; }`,
          ].join('\n'),
          async (s) => {
            const upload = exchange(s.port, { send: [{ bytes: rawPost('/upload', 32 * 1024 * 1024, 'u'.repeat(32 * 1024 * 1024)) }], timeoutMs: 5000 });
            const [slowX, truncX, phpX] = await Promise.all(['/slow', '/trunc', '/php'].map((p) => exchange(s.port, { send: [{ bytes: rawGet(p) }] })));
            checkExchange(ctx, s, 'POST /upload, 32 MB, to an upstream that never reads', await upload, { status: 504, within: [900, 4000] });
            await ctx.expectLog(s, /\[error\] .*upstream timed out \(110: Connection timed out\) while sending request to upstream, .*request: "POST \/upload /);
            checkExchange(ctx, s, 'GET /slow (upstream never answers)', slowX!, { status: 504, data: /<title>504 Gateway Time-out<\/title>/, within: [900, 2500] });
            await ctx.expectLog(s, /\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream, .*request: "GET \/slow /);
            checkExchange(ctx, s, 'GET /php (FastCGI upstream never answers)', phpX!, { status: 504, within: [900, 2500] });
            checkExchange(ctx, s, 'GET /trunc (upstream: header + 2000 of 5000 body bytes, then silence)', truncX!, { status: 200, data: /\r\nContent-Length: 5000\r\n/, end: /^closed$/, within: [900, 2500] });
            const bodyBytes = truncX!.data.length - truncX!.data.indexOf('\r\n\r\n') - 4;
            note(ctx, s, 'GET /trunc: body bytes received before the close', 'fewer than the 5000 announced', String(bodyBytes), bodyBytes < 5000);
            await ctx.expectLog(s, /\[error\] .*upstream timed out \(110: Connection timed out\) while reading upstream, .*request: "GET \/trunc /);
          },
        ),
      ),
  },
  {
    id: 'C-nginx-client-abort-499',
    server: 'nginx',
    essence: 'the client closes the connection while nginx waits for a silent upstream (499.md)',
    run: (ctx) =>
      withPeers([silentPeer()], (slow) =>
        ctx.nginx(`location / { proxy_pass http://127.0.0.1:${slow.port}; }`, async (s) => {
          const x = await exchange(s.port, { send: [{ bytes: 'GET /report HTTP/1.1\r\nHost: a\r\n\r\n' }], abortAfterMs: 300 });
          note(ctx, s, 'GET /report, client gives up after 0.3 s', 'no bytes before the client left', x.data ? `${x.data.length} bytes` : 'no bytes', x.data === '' && x.end === 'aborted');
          await expectAccess(ctx, s, /"GET \/report HTTP\/1\.1" 499 0 /);
          await ctx.expectLog(s, /\[info\] .*epoll_wait\(\) reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream/);
          const until = Date.now() + 2000;
          while (slow.closedByClient < 1 && Date.now() < until) await sleep(25);
          note(ctx, s, 'upstream connection closed by nginx', '1', String(slow.closedByClient), slow.closedByClient === 1);
        }),
      ),
  },
  {
    id: 'C-nginx-limit-status-444',
    server: 'nginx',
    essence: '`limit_req_status 444;`, `limit_conn_status 444;` and a plain `return 444;` (444.md)',
    run: (ctx) =>
      ctx.nginx(
        'location = /index.html { limit_req zone=z; limit_req_status 444; }\nlocation = /big.bin { limit_conn c 1; limit_rate 20k; limit_conn_status 444; }\nlocation = /drop { return 444; }',
        async (s) => {
          const download = await openDownload(s.port, { path: '/big.bin' });
          try {
            note(ctx, s, 'GET /big.bin (slow, kept open)', '200', String(download.status), download.status === 200);
            await ctx.check(s, { path: '/big.bin' }, { closed: true });
          } finally {
            download.close();
          }
          await ctx.expectLog(s, /\[error\] .*limiting connections by zone "c"/);
          await ctx.check(s, { path: '/index.html' }, { status: 200 });
          await ctx.check(s, { path: '/index.html' }, { closed: true });
          await expectAccess(ctx, s, /"GET \/index\.html HTTP\/1\.1" 444 0 /);
          await ctx.expectLog(s, /\[error\] .*limiting requests, excess: [\d.]+ by zone "z"/);
          await ctx.check(s, { path: '/drop' }, { closed: true });
          await expectAccess(ctx, s, /"GET \/drop HTTP\/1\.1" 444 0 /);
          await expectNoLog(ctx, s, /"GET \/drop /);
        },
        { http: 'limit_req_zone $binary_remote_addr zone=z:1m rate=1r/m;\nlimit_conn_zone $binary_remote_addr zone=c:1m;' },
      ),
  },
  {
    id: 'C-nginx-redirect-cycle-500',
    server: 'nginx',
    essence: '`try_files $uri $uri/ /index.html;` with no index.html under root; `rewrite … last;` matching its own location; `try_files $uri =404;` (500.md)',
    run: (ctx) => {
      const empty = path.join(ctx.sandbox.root, 'empty-root');
      fs.mkdirSync(empty, { recursive: true, mode: 0o755 });
      return ctx.nginx(`location / { root ${empty}; try_files $uri $uri/ /index.html; }\nlocation /loop/ { rewrite ^/loop/(.*)$ /loop/x$1 last; }\nlocation /assets/ { root ${empty}; try_files $uri =404; }`, async (s) => {
        // Ending the list with a status instead of a URI: a miss is a 404, not a loop.
        await ctx.check(s, { path: '/assets/app.js' }, { status: 404 });
        await ctx.check(s, { path: '/app/page' }, { status: 500 });
        await ctx.expectLog(s, /\[error\] .*rewrite or internal redirection cycle while internally redirecting to "\/index\.html"/);
        await ctx.check(s, { path: '/loop/a' }, { status: 500 });
        await ctx.expectLog(s, /\[error\] .*rewrite or internal redirection cycle while processing "\/loop\/x+a"/);
      });
    },
  },
  {
    id: 'C-nginx-body-temp-500',
    server: 'nginx',
    essence: '`client_body_temp_path` not writable by the worker user, a body larger than `client_body_buffer_size` (500.md)',
    run: (ctx) =>
      withPeers([httpPeer((req, res) => req.resume().on('end', () => res.end('ok\n')))], (up) => {
        const temp = path.join(ctx.sandbox.nginxPrefix, 'tmp', 'body-readonly');
        return ctx.nginx(`client_body_temp_path ${temp};\nclient_body_buffer_size 1k;\nlocation / { proxy_pass http://127.0.0.1:${up.port}; }`, async (s) => {
          // nginx hands the directory to its worker user at start; take it back (root, 0755).
          fs.chownSync(temp, 0, 0);
          fs.chmodSync(temp, 0o755);
          await ctx.check(s, { method: 'POST', path: '/upload', body: 'x'.repeat(10_000) }, { status: 500 });
          await ctx.expectLog(s, /\[crit\] .*open\(\) ".*body-readonly\/\d+" failed \(13: Permission denied\)/);
          await ctx.check(s, { method: 'POST', path: '/upload', body: 'x'.repeat(500) }, { status: 200, body: /^ok/ });
        });
      }),
  },
];

// ------------------------------------------------------------------ Apache

const PROXY_MODULES = ['authz_core', 'dir', 'mime', 'proxy', 'proxy_http', 'proxy_fcgi'];

/** A docroot of its own for a case (`htdocs/<id>/`), with index.html and `files` (relative path → text). */
function caseDocroot(ctx: CaseContext, files: Record<string, string> = {}): string {
  for (const [rel, text] of Object.entries({ 'index.html': `hello ${ctx.id}\n`, ...files })) sandboxFile(ctx.sandbox, path.join('apache', 'htdocs', ctx.id, rel), text);
  return path.join(ctx.sandbox.htdocs, ctx.id);
}

/** Replaces the skeleton's prefork MPM block with event, one child and `threads` worker threads. */
function withEventMpm(config: string, threads: number): string {
  const prefork = /LoadModule mpm_prefork_module .*\nStartServers 1\nMinSpareServers 1\nMaxSpareServers 2\n/;
  assert.match(config, prefork, 'the Apache skeleton no longer has the prefork block this case replaces');
  const event = [
    `LoadModule mpm_event_module ${path.dirname(/LoadModule mpm_prefork_module (\S+)/.exec(config)![1]!)}/mod_mpm_event.so`,
    'ServerLimit 1',
    'StartServers 1',
    `ThreadLimit ${threads}`,
    `ThreadsPerChild ${threads}`,
    `MaxRequestWorkers ${threads}`,
    'MinSpareThreads 1',
    `MaxSpareThreads ${threads + 1}`,
    '',
  ].join('\n');
  return config.replace(prefork, event);
}

const apacheCases: ConformanceCase[] = [
  {
    id: 'C-apache-proxy-refused-503',
    server: 'apache',
    essence: '`ProxyPass` to http:// and fcgi:// ports where nothing listens, and to a missing PHP-FPM socket (503.md, 502.md)',
    run: async (ctx) => {
      const [httpPort, fcgiPort] = await freePorts(2);
      const docroot = caseDocroot(ctx, { 'app.php': '<?php\n' });
      await ctx.apache(
        [
          `DocumentRoot "${docroot}"`,
          `ProxyPass "/app/" "http://127.0.0.1:${httpPort}/"`,
          `ProxyPass "/fcgi/" "fcgi://127.0.0.1:${fcgiPort}/"`,
          '<FilesMatch "\\.php$">',
          `    SetHandler "proxy:unix:${ctx.sandbox.root}/no-such-fpm.sock|fcgi://localhost"`,
          '</FilesMatch>',
        ].join('\n'),
        async (s) => {
          await ctx.check(s, { path: '/app/x' }, { status: 503, reason: 'Service Unavailable' });
          await ctx.expectLog(s, new RegExp(`\\(111\\)Connection refused: .*AH00957: http: attempt to connect to 127\\.0\\.0\\.1:${httpPort} \\(127\\.0\\.0\\.1:${httpPort}\\) failed`));
          await ctx.expectLog(s, /AH01114: HTTP: failed to make connection to backend: 127\.0\.0\.1/);
          await ctx.check(s, { path: '/fcgi/x.php' }, { status: 503 });
          await ctx.expectLog(s, new RegExp(`\\(111\\)Connection refused: .*AH00957: FCGI: attempt to connect to 127\\.0\\.0\\.1:${fcgiPort} .*failed`));
          await ctx.check(s, { path: '/app.php' }, { status: 503 });
          await ctx.expectLog(s, /\(2\)No such file or directory: .*AH02454: FCGI: attempt to connect to Unix domain socket .*no-such-fpm\.sock/);
        },
        { modules: PROXY_MODULES },
      );
    },
  },
  {
    id: 'C-apache-proxy-retry',
    server: 'apache',
    essence: 'balancers of a refusing member (`retry=1` / `retry=0`) + a live member; a lone refusing member; then the backend comes up (503.md)',
    run: async (ctx) => {
      const [p1, p0, lone] = await freePorts(3);
      await withPeers([httpPeer((_req, res) => res.end('live\n'))], (live) =>
        ctx.apache(
          [
            `DocumentRoot "${caseDocroot(ctx)}"`,
            `<Proxy "balancer://r1">\n    BalancerMember "http://127.0.0.1:${p1}" retry=1\n    BalancerMember "http://127.0.0.1:${live.port}"\n</Proxy>`,
            `<Proxy "balancer://r0">\n    BalancerMember "http://127.0.0.1:${p0}" retry=0\n    BalancerMember "http://127.0.0.1:${live.port}"\n</Proxy>`,
            `<Proxy "balancer://lone">\n    BalancerMember "http://127.0.0.1:${lone}"\n</Proxy>`,
            'ProxyPass "/r1/" "balancer://r1/"',
            'ProxyPass "/r0/" "balancer://r0/"',
            'ProxyPass "/lone/" "balancer://lone/"',
          ].join('\n'),
          async (s) => {
            await ctx.check(s, { path: '/lone/x' }, { status: 503 });
            await ctx.expectLog(s, new RegExp(`AH00959: ap_proxy_connect_backend disabling worker for \\(127\\.0\\.0\\.1:${lone}\\) for 60s`));
            // Two requests each: round robin sends one of them to the refusing member, which fails over to the live one.
            const statuses: number[] = [];
            for (const p of ['/r1/x', '/r1/x', '/r0/x', '/r0/x']) {
              const o = await request(s.port, { path: p });
              statuses.push(o.kind === 'response' ? o.status : 0);
            }
            note(ctx, s, 'GET /r1/x ×2, /r0/x ×2 (one member refuses)', '200,200,200,200', statuses.join(','), statuses.join(',') === '200,200,200,200');
            await ctx.expectLog(s, new RegExp(`AH00959: ap_proxy_connect_backend disabling worker for \\(127\\.0\\.0\\.1:${p1}\\) for 1s`));
            await ctx.expectLog(s, new RegExp(`AH00959: ap_proxy_connect_backend disabling worker for \\(127\\.0\\.0\\.1:${p0}\\) for 0s`));
            await withPeers([httpPeer((_req, res) => res.end('back\n'), { port: p1 }), httpPeer((_req, res) => res.end('back\n'), { port: p0 })], async (up1, up0) => {
              for (let i = 0; i < 4; i++) await request(s.port, { path: '/r1/x' });
              for (let i = 0; i < 4; i++) await request(s.port, { path: '/r0/x' });
              note(ctx, s, '4 requests each right after the backends came up: reached the recovered member', 'r1 (retry=1): 0, r0 (retry=0): >0', `r1: ${up1.connections}, r0: ${up0.connections}`, up1.connections === 0 && up0.connections > 0);
              await sleep(1100);
              for (let i = 0; i < 4; i++) await request(s.port, { path: '/r1/x' });
              note(ctx, s, '4 requests to r1 after its 1 s retry: reached the recovered member', '>0', String(up1.connections), up1.connections > 0);
            });
          },
          { modules: [...PROXY_MODULES, 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'] },
        ),
      );
    },
  },
  {
    id: 'C-apache-proxy-http-timeout-502',
    server: 'apache',
    essence: '`ProxyTimeout 1` + `ProxyPass` to a backend that accepts and never answers (502.md, 504.md)',
    run: (ctx) =>
      withPeers([silentPeer()], (slow) =>
        ctx.apache(
          [`DocumentRoot "${caseDocroot(ctx)}"`, 'ProxyTimeout 1', `ProxyPass "/reports/" "http://127.0.0.1:${slow.port}/reports/"`].join('\n'),
          async (s) => {
            const x = await exchange(s.port, { send: [{ bytes: rawGet('/reports/q3') }] });
            checkExchange(ctx, s, 'GET /reports/q3', x, { status: 502, data: /^HTTP\/1\.1 502 Proxy Error\r\n[\s\S]*Error reading from remote server/, within: [900, 2500] });
            await ctx.expectLog(s, new RegExp(`\\(70007\\)The timeout specified has expired: .*AH01102: error reading status line from remote server 127\\.0\\.0\\.1:${slow.port}`));
            await ctx.expectLog(s, /AH00898: Error reading from remote server returned by \/reports\/q3/);
          },
          { modules: PROXY_MODULES },
        ),
      ),
  },
  {
    id: 'C-apache-proxy-http-broken-502',
    server: 'apache',
    essence: '`ProxyPass` to backends that close, reset, send a malformed header line, send non-HTTP bytes (502.md)',
    run: (ctx) =>
      withPeers([hangUpPeer('close'), hangUpPeer('reset'), rawPeer('HTTP/1.1 200 OK\r\nThis is not a header\r\nContent-Length: 3\r\n\r\nok\n'), rawPeer('garbage, not HTTP\n')], (closing, resetting, badHeader, garbage) =>
        ctx.apache(
          [
            `DocumentRoot "${caseDocroot(ctx)}"`,
            `ProxyPass "/closed/" "http://127.0.0.1:${closing.port}/"`,
            `ProxyPass "/reset/" "http://127.0.0.1:${resetting.port}/"`,
            `ProxyPass "/badheader/" "http://127.0.0.1:${badHeader.port}/"`,
            `ProxyPass "/garbage/" "http://127.0.0.1:${garbage.port}/"`,
          ].join('\n'),
          async (s) => {
            await ctx.check(s, { path: '/closed/x' }, { status: 502, reason: 'Proxy Error' });
            await ctx.expectLog(s, new RegExp(`AH01102: error reading status line from remote server 127\\.0\\.0\\.1:${closing.port}`));
            await ctx.check(s, { path: '/reset/x' }, { status: 502, reason: 'Proxy Error' });
            await ctx.expectLog(s, new RegExp(`\\(104\\)Connection reset by peer: .*AH01102: error reading status line from remote server 127\\.0\\.0\\.1:${resetting.port}`));
            await ctx.check(s, { path: '/badheader/x' }, { status: 502, reason: 'Bad Gateway' });
            await ctx.expectLog(s, /\[proxy_http:warn\] .*AH01106: bad HTTP\/1\.1 header returned by \/badheader\/x \(GET\)/);
            const g = await exchange(s.port, { send: [{ bytes: rawGet('/garbage/x') }] });
            // No status line at all: relayed as an HTTP/0.9 answer, i.e. a 200 whose body is those bytes.
            checkExchange(ctx, s, 'GET /garbage/x (backend answers non-HTTP bytes)', g, { status: 200, data: /\r\n\r\n11\r\ngarbage, not HTTP\r\n0\r\n\r\n$/ });
          },
          { modules: PROXY_MODULES },
        ),
      ),
  },
  {
    id: 'C-apache-proxy-fcgi-timeout-504',
    server: 'apache',
    essence: '`ProxyTimeout 1` + `ProxyPass … fcgi://` to a FastCGI listener that accepts and never answers (504.md)',
    run: (ctx) =>
      withPeers([silentPeer()], (fpm) =>
        ctx.apache(
          [`DocumentRoot "${caseDocroot(ctx)}"`, 'ProxyTimeout 1', `ProxyPass "/php/" "fcgi://127.0.0.1:${fpm.port}/"`].join('\n'),
          async (s) => {
            const x = await exchange(s.port, { send: [{ bytes: rawGet('/php/slow.php') }] });
            checkExchange(ctx, s, 'GET /php/slow.php', x, { status: 504, data: /^HTTP\/1\.1 504 Gateway Timeout\r\n/, within: [900, 2500] });
            await ctx.expectLog(s, new RegExp(`\\(70007\\)The timeout specified has expired: .*AH01075: Error dispatching request to [^:]*: \\(polling\\)`));
          },
          { modules: PROXY_MODULES },
        ),
      ),
  },
  {
    id: 'C-apache-proxy-fcgi-stderr',
    server: 'apache',
    essence: '`ProxyPass … fcgi://` to a responder that writes `PHP message: PHP Fatal error: …` to FCGI_STDERR and answers `Status: 500` (500.md)',
    run: (ctx) =>
      withPeers([fastcgiPeer({ stderr: 'PHP message: PHP Fatal error:  Uncaught Error: boom in /var/www/index.php:3', stdout: 'Status: 500 Internal Server Error\r\nContent-Type: text/html\r\n\r\nfatal\n' })], (fpm) =>
        ctx.apache(
          [`DocumentRoot "${caseDocroot(ctx)}"`, `ProxyPass "/php/" "fcgi://127.0.0.1:${fpm.port}/"`].join('\n'),
          async (s) => {
            await ctx.check(s, { path: '/php/index.php' }, { status: 500, body: /^fatal/ });
            await ctx.expectLog(s, /AH01071: Got error 'PHP message: PHP Fatal error:  Uncaught Error: boom in \/var\/www\/index\.php:3'/);
          },
          { modules: PROXY_MODULES },
        ),
      ),
  },
  {
    id: 'C-apache-reqtimeout-408',
    server: 'apache',
    essence: '`RequestReadTimeout header=1 body=1`: partial header, stalled body (proxied), `LogLevel info` (408.md)',
    run: (ctx) =>
      withPeers([httpPeer((req, res) => req.resume().on('end', () => res.end('ok\n')))], (up) =>
        ctx.apache(
          [`DocumentRoot "${caseDocroot(ctx)}"`, 'RequestReadTimeout header=1 body=1', `ProxyPass "/upload/" "http://127.0.0.1:${up.port}/"`].join('\n'),
          async (s) => {
            const [header, body] = await Promise.all([
              exchange(s.port, { send: [{ bytes: 'GET /stalled-header HTTP/1.1\r\nHost: a\r\n' }] }),
              exchange(s.port, { send: [{ bytes: rawPost('/upload/x', 10, 'abc') }] }),
            ]);
            const window: [number, number] = [900, 2500];
            checkExchange(ctx, s, 'request line + Host, then silence', header, { status: 408, data: /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\nConnection: close\r\n/, end: /^closed$/, within: window });
            checkExchange(ctx, s, 'POST, Content-Length 10, 3 body bytes, then silence', body, { status: 408, data: /^HTTP\/1\.1 408 Request Timeout\r\n/, end: /^closed$/, within: window });
            await ctx.expectLog(s, /\[reqtimeout:info\] .*AH01382: Request header read timeout/);
            await ctx.expectLog(s, /\[reqtimeout:info\] .*AH01382: Request body read timeout/);
            await expectAccess(ctx, s, /"GET \/stalled-header HTTP\/1\.1" 408 [1-9]\d*$/);
            await expectAccess(ctx, s, /"POST \/upload\/x HTTP\/1\.1" 408 [1-9]\d*$/);
            note(ctx, s, 'backend requests for the stalled upload', '0', String(up.connections), up.connections === 0);
          },
          { modules: [...PROXY_MODULES, 'reqtimeout'], logLevel: 'info' },
        ),
      ),
  },
  {
    id: 'C-apache-limit-request-body-413',
    server: 'apache',
    essence: '`LimitRequestBody 1024`: Content-Length 2048 without a body, a chunked 2 KB body, `LogLevel info`; the same limit on a `ProxyPass` location (413.md)',
    run: (ctx) =>
      withPeers([httpPeer((req, res) => req.resume().on('end', () => res.end('ok\n')))], (up) =>
        ctx.apache(
          [`DocumentRoot "${caseDocroot(ctx)}"`, 'LimitRequestBody 1024', `ProxyPass "/upload/" "http://127.0.0.1:${up.port}/"`, '<Location "/upload/">\n    LimitRequestBody 1024\n</Location>'].join('\n'),
          async (s) => {
            const head = await exchange(s.port, { send: [{ bytes: rawPost('/index.html', 2048) }], timeoutMs: 1500 });
            checkExchange(ctx, s, 'POST /index.html head with Content-Length: 2048, no body bytes', head, { status: 413, data: /^HTTP\/1\.1 413 Request Entity Too Large\r\n[\s\S]*exceeds the capacity limit/, firstByteBy: 500 });
            await ctx.expectLog(s, /\[http:info\] .*AH01588: Requested content-length of 2048 is larger than the configured limit of 1024/);
            const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
            const chunked = await exchange(s.port, { send: [{ bytes: `POST /index.html HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk}${chunk}0\r\n\r\n` }] });
            checkExchange(ctx, s, 'POST /index.html chunked, 2 × 1 KB chunks', chunked, { status: 413 });
            await ctx.expectLog(s, /\[http:info\] .*AH01591: Read content length of \d+ is larger than the configured limit of 1024/);
            // mod_proxy does not apply the limit: the 2 KB body reaches the backend.
            await ctx.check(s, { method: 'POST', path: '/upload/x', body: 'x'.repeat(2048) }, { status: 200, body: /^ok/ });
            note(ctx, s, 'backend requests', '1', String(up.connections), up.connections === 1);
          },
          { modules: PROXY_MODULES, logLevel: 'info' },
        ),
      ),
  },
  {
    id: 'C-apache-request-limits',
    server: 'apache',
    essence: 'default `LimitRequestFields` (100), `LimitRequestLine` (8190) and `LimitRequestFieldSize` (8190): the answers (494.md)',
    run: (ctx) =>
      ctx.apache(
        `DocumentRoot "${caseDocroot(ctx)}"`,
        async (s) => {
          const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-F${i}: v\r\n`).join('');
          checkExchange(ctx, s, '100 header fields (Host, Connection + 98)', await exchange(s.port, { send: [{ bytes: rawGet('/index.html', fields(98)) }] }), { status: 200 });
          checkExchange(ctx, s, '101 header fields (Host, Connection + 99)', await exchange(s.port, { send: [{ bytes: rawGet('/index.html', fields(99)) }] }), { status: 400 });
          checkExchange(ctx, s, 'request line of 8200 bytes', await exchange(s.port, { send: [{ bytes: rawGet(`/${'a'.repeat(8200)}`) }] }), { status: 414 });
          checkExchange(ctx, s, 'a Cookie header of 8200 bytes', await exchange(s.port, { send: [{ bytes: rawGet('/index.html', `Cookie: c=${'x'.repeat(8200)}\r\n`) }] }), { status: 400, data: /Size of a request header field exceeds server limit\./ });
        },
        { modules: ['authz_core', 'dir', 'mime'] },
      ),
  },
  {
    id: 'C-apache-htaccess-rewrite-loop-500',
    server: 'apache',
    essence: '.htaccess `RewriteRule ^(.*)$ sub/$1` alone, with `[END]`, with `RewriteCond %{REQUEST_FILENAME} !-f` (500.md)',
    run: (ctx) => {
      const rule = 'RewriteRule ^(.*)$ sub/$1';
      const docroot = caseDocroot(ctx, {
        'loop/.htaccess': `RewriteEngine On\n${rule}\n`,
        'end/.htaccess': `RewriteEngine On\n${rule} [END]\n`,
        'end/sub/x.txt': 'end\n',
        'cond/.htaccess': `RewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-f\n${rule}\n`,
        'cond/sub/x.txt': 'cond\n',
      });
      return ctx.apache(
        `DocumentRoot "${docroot}"\n<Directory "${docroot}">\n    AllowOverride FileInfo\n    Require all granted\n</Directory>`,
        async (s) => {
          await ctx.check(s, { path: '/loop/x.txt' }, { status: 500 });
          await ctx.expectLog(s, /\[core:error\] .*AH00124: Request exceeded the limit of 10 internal redirects due to probable configuration error/);
          await ctx.check(s, { path: '/end/x.txt' }, { status: 200, body: /^end/ });
          await ctx.check(s, { path: '/cond/x.txt' }, { status: 200, body: /^cond/ });
        },
        { modules: ['authz_core', 'dir', 'mime', 'rewrite'] },
      );
    },
  },
  {
    id: 'C-apache-htaccess-invalid-command-500',
    server: 'apache',
    essence: '.htaccess `RewriteEngine On` with mod_rewrite not loaded (500.md)',
    run: (ctx) => {
      const docroot = caseDocroot(ctx, { 'app/.htaccess': 'RewriteEngine On\n', 'app/x.txt': 'x\n' });
      return ctx.apache(
        `DocumentRoot "${docroot}"\n<Directory "${docroot}">\n    AllowOverride All\n    Require all granted\n</Directory>`,
        async (s) => {
          await ctx.check(s, { path: '/app/x.txt' }, { status: 500 });
          await ctx.expectLog(s, /\[core:alert\] .*\/app\/\.htaccess: Invalid command 'RewriteEngine', perhaps misspelled or defined by a module not included in the server configuration/);
          await ctx.check(s, { path: '/index.html' }, { status: 200 });
        },
        { modules: ['authz_core', 'dir', 'mime'] },
      );
    },
  },
  {
    id: 'C-apache-cgi-no-headers-500',
    server: 'apache',
    essence: 'a CGI script that exits without printing a header block (500.md)',
    run: (ctx) => {
      const bin = path.join(ctx.sandbox.root, 'cgi-bin');
      sandboxFile(ctx.sandbox, 'cgi-bin/empty.cgi', '#!/bin/sh\nexit 0\n', 0o755);
      return ctx.apache(
        `DocumentRoot "${caseDocroot(ctx)}"\nScriptAlias "/cgi-bin/" "${bin}/"\n<Directory "${bin}">\n    Require all granted\n</Directory>`,
        async (s) => {
          await ctx.check(s, { path: '/cgi-bin/empty.cgi' }, { status: 500 });
          await ctx.expectLog(s, /End of script output before headers: empty\.cgi/);
        },
        { modules: ['authz_core', 'dir', 'mime', 'alias', 'cgi'] },
      );
    },
  },
  {
    id: 'C-apache-ssl-verify-client',
    server: 'apache',
    essence: '`SSLVerifyClient require` / `optional` / `optional_no_ca` (+ `Require expr "%{SSL_CLIENT_VERIFY} == \'SUCCESS\'"`), `LogLevel ssl:info` (495.md, 496.md)',
    run: (ctx) => {
      const { cert, key } = serverTls(ctx);
      const ca = clientCaFile(ctx, 'client-ca.crt');
      const docroot = caseDocroot(ctx, { 'admin/index.html': 'admin\n' });
      const vhost = (port: number, mode: string) =>
        [
          `<VirtualHost 127.0.0.1:${port}>`,
          '    SSLEngine on',
          `    SSLCertificateFile "${cert}"`,
          `    SSLCertificateKeyFile "${key}"`,
          `    SSLCACertificateFile "${ca}"`,
          `    SSLVerifyClient ${mode}`,
          `    DocumentRoot "${docroot}"`,
          '    Header always set X-Verify "expr=%{SSL_CLIENT_VERIFY}"',
          '    <Location "/admin/">',
          `        Require expr "%{SSL_CLIENT_VERIFY} == 'SUCCESS'"`,
          '    </Location>',
          '</VirtualHost>',
        ].join('\n');
      return apacheServers(
        ctx,
        4,
        (ports) => [`DocumentRoot "${docroot}"`, vhost(ports[1]!, 'require'), vhost(ports[2]!, 'optional'), vhost(ports[3]!, 'optional_no_ca')].join('\n'),
        async (s) => {
          const [, require, optional, noCa] = s.ports as [number, number, number, number];
          const get = (port: number, target: string, pem?: string) => exchange(port, { send: [{ bytes: rawGet(target) }], tls: pem ? { pem } : {} });
          // A failed client-certificate check ends in a TLS alert before any HTTP byte.
          const noHttp = { status: 'none' as const, data: /^$/, end: /ALERT/ };
          checkExchange(ctx, s, '`require`, no certificate', await get(require, '/index.html'), noHttp);
          await ctx.expectLog(s, /\[ssl:info\] .*peer did not return a certificate/);
          checkExchange(ctx, s, '`require`, self-signed certificate', await get(require, '/index.html', CLIENT.selfSigned()), noHttp);
          await ctx.expectLog(s, /\[ssl:info\] .*AH02276: Certificate Verification: Error \(18\): self-signed certificate/);
          await ctx.expectLog(s, /\[ssl:info\] .*SSL Library Error: .*certificate verify failed/);
          await expectAccessStatuses(ctx, s, 'lines for the two failed handshakes', []);
          checkExchange(ctx, s, '`require`, certificate of the trusted CA', await get(require, '/index.html', CLIENT.good()), { status: 200, data: /\r\nX-Verify: SUCCESS\r\n/ });
          checkExchange(ctx, s, '`optional`, no certificate: /index.html', await get(optional, '/index.html'), { status: 200, data: /\r\nX-Verify: NONE\r\n/ });
          checkExchange(ctx, s, '`optional`, no certificate: /admin/', await get(optional, '/admin/'), { status: 403 });
          checkExchange(ctx, s, '`optional`, self-signed certificate', await get(optional, '/admin/', CLIENT.selfSigned()), noHttp);
          checkExchange(ctx, s, '`optional_no_ca`, no certificate: /admin/', await get(noCa, '/admin/'), { status: 403, data: /\r\nX-Verify: NONE\r\n/ });
          checkExchange(ctx, s, '`optional_no_ca`, self-signed certificate: /admin/', await get(noCa, '/admin/', CLIENT.selfSigned()), { status: 403, data: /\r\nX-Verify: FAILED:self-signed certificate\r\n/ });
          checkExchange(ctx, s, '`optional_no_ca`, certificate of the trusted CA: /admin/', await get(noCa, '/admin/', CLIENT.good()), { status: 200, data: /\r\nX-Verify: SUCCESS\r\n/ });
        },
        { modules: ['authz_core', 'dir', 'mime', 'headers', 'ssl'], logLevel: 'warn ssl:info' },
      );
    },
  },
  {
    id: 'C-apache-http-to-https-port',
    server: 'apache',
    essence: 'plain HTTP to an `SSLEngine on` port, without and with `ErrorDocument 400 https://…` (497.md)',
    run: (ctx) => {
      const { cert, key } = serverTls(ctx);
      const docroot = caseDocroot(ctx);
      const vhost = (port: number, extra = '') =>
        [`<VirtualHost 127.0.0.1:${port}>`, '    SSLEngine on', `    SSLCertificateFile "${cert}"`, `    SSLCertificateKeyFile "${key}"`, `    DocumentRoot "${docroot}"`, extra ? `    ${extra}` : '', '</VirtualHost>'].join('\n');
      return apacheServers(
        ctx,
        3,
        (ports) => [`DocumentRoot "${docroot}"`, vhost(ports[1]!), vhost(ports[2]!, 'ErrorDocument 400 https://example.invalid/')].join('\n'),
        async (s) => {
          const [, plain, redirect] = s.ports as [number, number, number];
          checkExchange(ctx, s, 'plain HTTP GET /index.html', await exchange(plain, { send: [{ bytes: rawGet('/index.html') }] }), { status: 400, data: /Reason: You're speaking plain HTTP to an SSL-enabled server port\./ });
          await ctx.expectLog(s, /\[ssl:info\] .*AH01996: SSL handshake failed: HTTP spoken on HTTPS port; trying to send HTML error page/);
          checkExchange(ctx, s, 'plain HTTP GET /index.html, `ErrorDocument 400 https://example.invalid/`', await exchange(redirect, { send: [{ bytes: rawGet('/index.html') }] }), { status: 302, data: /\r\nLocation: https:\/\/example\.invalid\/\r\n/ });
        },
        { modules: ['authz_core', 'dir', 'mime', 'ssl'], logLevel: 'warn ssl:info' },
      );
    },
  },
  {
    id: 'C-apache-maxrequestworkers-queue',
    server: 'apache',
    essence: 'event MPM, `MaxRequestWorkers 1`: one request held by a silent backend (`ProxyTimeout 2`), a second request meanwhile (503.md, 504.md)',
    run: async (ctx) => {
      const docroot = caseDocroot(ctx);
      await withPeers([silentPeer()], async (slow) => {
        const name = ctx.id;
        const server = await startApache(ctx.sandbox, name, (port) => withEventMpm(apacheSkeleton(ctx.sandbox, name, port, [`DocumentRoot "${docroot}"`, 'ProxyTimeout 2', `ProxyPass "/slow/" "http://127.0.0.1:${slow.port}/"`].join('\n'), { modules: PROXY_MODULES }), 1));
        try {
          const held = exchange(server.port, { send: [{ bytes: rawGet('/slow/x') }], timeoutMs: 5000 });
          await sleep(300);
          const queued = await exchange(server.port, { send: [{ bytes: rawGet('/index.html') }], timeoutMs: 5000 });
          checkExchange(ctx, server, 'GET /index.html while the only worker waits for the backend', queued, { status: 200, within: [1500, 4000] });
          checkExchange(ctx, server, 'GET /slow/x (the request holding the worker)', await held, { status: 502, within: [1900, 4000] });
          await ctx.expectLog(server, /AH00484: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting/);
        } finally {
          await server.stop();
        }
      });
    },
  },
  {
    id: 'C-apache-client-abort-logged',
    server: 'apache',
    essence: '`ProxyPass` to a backend that answers after 0.8 s; the client leaves after 0.2 s; `%X` in the access log (499.md)',
    run: (ctx) =>
      withPeers([httpPeer((_req, res) => void setTimeout(() => res.end('late\n'), 800))], (late) =>
        ctx.apache(
          [
            `DocumentRoot "${caseDocroot(ctx)}"`,
            `ProxyPass "/report/" "http://127.0.0.1:${late.port}/"`,
            'LogFormat "%>s %X \\"%r\\"" conn',
            `CustomLog "${ctx.sandbox.apacheRoot}/logs/${ctx.id}.conn.log" conn`,
          ].join('\n'),
          async (s) => {
            const x = await exchange(s.port, { send: [{ bytes: rawGet('/report/q3') }], abortAfterMs: 200 });
            note(ctx, s, 'GET /report/q3, client gives up after 0.2 s', 'no bytes before the client left', x.data ? `${x.data.length} bytes` : 'no bytes', x.data === '');
            const file = path.join(ctx.sandbox.apacheRoot, 'logs', `${ctx.id}.conn.log`);
            const until = Date.now() + 2500;
            let line = '';
            while (!(line = readIf(file).trim()) && Date.now() < until) await sleep(25);
            note(ctx, s, 'access log with %X', '200 - "GET /report/q3 HTTP/1.1"', line || '(no line)', line === '200 - "GET /report/q3 HTTP/1.1"');
            note(ctx, s, 'backend requests', '1', String(late.connections), late.connections === 1);
          },
          { modules: PROXY_MODULES },
        ),
      ),
  },
];

export const statusPageCases: ConformanceCase[] = [...nginxCases, ...apacheCases];
