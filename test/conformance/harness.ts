/**
 * Conformance harness: real nginx and Apache httpd on 127.0.0.1, real HTTP requests.
 *
 * - Every server gets a sandbox directory (configs, logs, pid file, temp paths, docroots) under
 *   the OS temp dir, a port the OS handed out (bind port 0, read it, close; retried when another
 *   process grabs it first), and is only considered up once its master PID holds the listening
 *   socket (checked through /proc, no HTTP probe: rate limits stay untouched, `return 444` is fine).
 * - Servers are stopped by the PID from their own pid file, after checking /proc/<pid>/comm,
 *   and waited for. `stopAllServers()` runs in every file's `after()` hook and, as a last
 *   resort, synchronously on process exit.
 * - Requests go through node's `http` client with bounded timeouts; a connection closed without
 *   any response (nginx 444/499/408) is observed as `{ kind: 'closed' }`.
 * Nothing here talks to anything but 127.0.0.1/127.0.0.2.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CI = process.env.CI === 'true';
export type ServerKind = 'nginx' | 'apache';
const BINARY: Record<ServerKind, string> = { nginx: 'nginx', apache: 'apache2' };
export const APACHE_MODULES_DIR = '/usr/lib/apache2/modules';
/** Second client address on the loopback network (Linux routes all of 127/8 to lo). */
export const OTHER_CLIENT = '127.0.0.2';

// ------------------------------------------------------------------ binaries and skip policy

function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin']) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const binaries = new Map<ServerKind, string | undefined>();
export function binaryOf(kind: ServerKind): string {
  if (!binaries.has(kind)) binaries.set(kind, findBinary(BINARY[kind]));
  const bin = binaries.get(kind);
  if (!bin) {
    throw new Error(`${BINARY[kind]} is not installed${CI ? ' (CI=true: the conformance suite may not skip; scripts/setup-system.sh installs it)' : ''}`);
  }
  return bin;
}

function isInstalled(kind: ServerKind): boolean {
  try {
    binaryOf(kind);
    return true;
  } catch {
    return false;
  }
}

/**
 * Test options for a test that needs `servers`: locally a missing server skips the test with a
 * loud reason; under CI=true nothing is skipped, so the test runs and fails on the missing binary.
 */
export function needs(...servers: ServerKind[]): { skip?: string } {
  const missing = servers.filter((s) => !isInstalled(s)).map((s) => BINARY[s]);
  if (!missing.length || CI) return {};
  return { skip: `NOT RUN: ${missing.join(' and ')} missing (install with scripts/setup-system.sh)` };
}

// ------------------------------------------------------------------ sandbox (docroots, htpasswd)

export const HTPASSWD_USER = 'alice';
export const HTPASSWD_PASSWORD = 'secret';

export interface Sandbox {
  root: string;
  /** nginx prefix (`-p`), with conf/, logs/, tmp/. */
  nginxPrefix: string;
  /** Apache ServerRoot, with conf/, logs/, run/. */
  apacheRoot: string;
  /** nginx docroot of the ground-truth cases (setup.sh's www/). */
  www: string;
  /** Apache docroots, one per case family (setup.sh's apache/htdocs/<case>/). */
  htdocs: string;
  /** alice / secret, apr1-MD5 (read by both servers). */
  htpasswd: string;
}

function write(file: string, text: string | Buffer, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
}

/** Creates the sandbox with the ground truth's fixture files (see ../shared/ground-truth/setup.sh). */
export function createSandbox(label: string): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `statuslens-${label}-`));
  // Workers run as www-data: every directory on the way to a docroot must be traversable.
  fs.chmodSync(root, 0o755);
  const sandbox: Sandbox = {
    root,
    nginxPrefix: path.join(root, 'nginx'),
    apacheRoot: path.join(root, 'apache'),
    www: path.join(root, 'www'),
    htdocs: path.join(root, 'apache', 'htdocs'),
    htpasswd: path.join(root, 'htpasswd'),
  };
  for (const dir of ['nginx/conf', 'nginx/logs', 'nginx/tmp', 'apache/conf', 'apache/logs', 'apache/run', 'apache/htdocs', 'www']) {
    fs.mkdirSync(path.join(root, dir), { recursive: true, mode: 0o755 });
  }
  const w = sandbox.www;
  for (const dir of ['emptydir', 'secret', '.git', '.well-known', 'a', 'b', 'noexec']) fs.mkdirSync(path.join(w, dir), { recursive: true, mode: 0o755 });
  write(path.join(w, 'index.html'), 'hello index\n');
  write(path.join(w, 'secret/file.txt'), 'secret file\n');
  write(path.join(w, 'custom.html'), 'custom error page\n');
  write(path.join(w, '.git/config'), '[core] bare = false\n');
  write(path.join(w, '.well-known/x'), 'acme challenge\n');
  write(path.join(w, 'a/index.html'), 'a\n');
  write(path.join(w, 'b/index.html'), 'b\n');
  write(path.join(w, 'private600.txt'), 'private\n', 0o600); // root:root 0600: unreadable for www-data
  write(path.join(w, 'noexec/f.txt'), 'in 700 dir\n');
  fs.chmodSync(path.join(w, 'noexec'), 0o700);
  write(path.join(w, 'big.bin'), Buffer.alloc(400_000));
  // `{SHA}` entries are read by nginx's auth_basic and Apache's mod_authn_file alike (no htpasswd tool needed).
  write(sandbox.htpasswd, `${HTPASSWD_USER}:{SHA}${createHash('sha1').update(HTPASSWD_PASSWORD).digest('base64')}\n`);

  const h = sandbox.htdocs;
  for (const c of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8']) write(path.join(h, c, 'index.html'), `hello ${c}\n`);
  write(path.join(h, 'A1/.htaccess'), 'Require all denied\n');
  write(path.join(h, 'A3/emptydir/a.txt'), 'a file\n');
  write(path.join(h, 'A4/secret/file.txt'), 'secret\n');
  write(path.join(h, 'A4/denied.html'), 'custom denied page\n');
  for (const d of ['secret', 'gone', 'r403']) write(path.join(h, 'A5', d, 'x.txt'), `${d[0]}\n`);
  write(path.join(h, 'A6/private600.txt'), 'private\n', 0o600);
  write(path.join(h, 'A7/ipdir/x.txt'), 'ip\n');
  write(path.join(h, 'A7/authdir/x.txt'), 'auth\n');
  write(path.join(h, 'A8/.htaccess'), '# LEAKED .htaccess contents\n');
  write(path.join(h, 'A8/.htpasswd'), 'bob:LEAKEDHASH\n');
  return sandbox;
}

/** Writes a file inside the sandbox (parents 0755, file 0644 unless told). */
export function sandboxFile(sandbox: Sandbox, relative: string, text: string | Buffer, mode = 0o644): string {
  const file = path.join(sandbox.root, relative);
  write(file, text, mode);
  return file;
}

export function removeSandbox(sandbox: Sandbox): void {
  if (running.size) return; // never pull files from under a live server
  if (process.env.STATUSLENS_KEEP_SANDBOX) {
    console.log(`conformance sandbox kept: ${sandbox.root}`);
    return;
  }
  fs.rmSync(sandbox.root, { recursive: true, force: true });
}

// ------------------------------------------------------------------ ports and processes

/**
 * `count` distinct ports the OS considers free on 127.0.0.1 right now (bind port 0, read, close).
 * They may be taken again before the server binds them: callers retry on EADDRINUSE.
 */
export async function freePorts(count = 1): Promise<number[]> {
  const probes = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const probe = net.createServer();
          probe.unref();
          probe.once('error', reject);
          probe.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve(probe));
        }),
    ),
  );
  const ports = probes.map((p) => {
    const address = p.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(probes.map((p) => new Promise<void>((resolve) => p.close(() => resolve()))));
  if (ports.some((p) => !p)) throw new Error('the OS gave no port');
  return ports;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True while `pid` is a live (not zombie) process named `name`. */
export function isOurs(pid: number, name: string): boolean {
  try {
    if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== name) return false;
    // /proc/<pid>/stat: "pid (comm) state ..."; a zombie (Z) has exited, nobody reaped it yet.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Inode of the LISTEN socket on 127.0.0.1:port, from /proc/net/tcp. */
function listeningInode(port: number): string | undefined {
  const wanted = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] === wanted && cols[3] === '0A') return cols[9];
  }
  return undefined;
}

function holdsSocket(pid: number, inode: string): boolean {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

async function waitUntilListening(pid: number, name: string, port: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const inode = listeningInode(port);
    if (inode && holdsSocket(pid, inode)) return;
    if (!isOurs(pid, name)) throw new Error(`${name} (pid ${pid}) exited before listening on 127.0.0.1:${port}`);
    await sleep(20);
  }
  throw new Error(`127.0.0.1:${port} is not held by our ${name} master (pid ${pid}) after ${timeoutMs} ms`);
}

async function readPid(file: string, name: string, timeoutMs = 5000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (/^\d+$/.test(text) && isOurs(Number(text), name)) return Number(text);
    await sleep(20);
  }
  throw new Error(`no live ${name} pid in ${file} after ${timeoutMs} ms`);
}

interface RunResult {
  code: number;
  output: string;
}

function run(bin: string, args: string[], timeoutMs = 15_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

export interface RunningServer {
  kind: ServerKind;
  name: string;
  /** The first of `ports`. */
  port: number;
  /** Every port the server listens on, in the order the config builder received them. */
  ports: number[];
  pid: number;
  /** Text of the server's error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

const running = new Set<RunningServer>();

async function stopPid(pid: number, name: string, timeoutMs = 10_000): Promise<void> {
  if (!isOurs(pid, name)) return;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (isOurs(pid, name)) {
    if (Date.now() > until) {
      process.kill(pid, 'SIGKILL');
      await sleep(100);
      throw new Error(`${name} (pid ${pid}) ignored SIGTERM for ${timeoutMs} ms and was killed`);
    }
    await sleep(20);
  }
}

export async function stopAllServers(): Promise<void> {
  for (const server of [...running]) await server.stop();
}

/** TERMs every server still running, synchronously (for exit and signal handlers). */
function terminateAllSync(): void {
  for (const server of running) {
    try {
      if (isOurs(server.pid, BINARY[server.kind])) process.kill(server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

// Last resort when a test run is torn down without the after() hooks (a crash, Ctrl-C, the
// runner's SIGTERM): TERM what we started, by PID.
process.on('exit', terminateAllSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    terminateAllSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

// ------------------------------------------------------------------ config test results

export interface ConfigTest {
  ok: boolean;
  /** The tool's output (nginx -t / apache2 -t), sandbox paths shortened. */
  output: string;
}

// ------------------------------------------------------------------ nginx

/** The ground truth's standalone nginx skeleton around an http-level body (see lib.sh ngx_write). */
export function nginxSkeleton(sandbox: Sandbox, name: string, httpBody: string, main = ''): string {
  const p = sandbox.nginxPrefix;
  return [
    `# ${name}: generated by test/conformance`,
    'user www-data;',
    'worker_processes 1;',
    'daemon on;',
    `pid ${p}/logs/${name}.pid;`,
    `error_log ${p}/logs/${name}.error.log info;`,
    'events { worker_connections 64; }',
    main,
    'http {',
    `    access_log ${p}/logs/${name}.access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${p}/tmp/${t};`),
    '    default_type text/plain;',
    httpBody.replace(/^/gm, '    '),
    '}',
    '',
  ].join('\n');
}

function shorten(output: string, sandbox: Sandbox): string {
  return output.split(sandbox.root).join('<sandbox>');
}

export async function nginxTest(sandbox: Sandbox, name: string, config: string): Promise<ConfigTest> {
  const file = path.join(sandbox.nginxPrefix, 'conf', `${name}.conf`);
  write(file, config);
  const r = await run(binaryOf('nginx'), ['-t', '-p', `${sandbox.nginxPrefix}/`, '-c', file]);
  return { ok: r.code === 0, output: shorten(r.output, sandbox) };
}

/**
 * Writes `config(port)`, checks it with `nginx -t`, starts nginx (it daemonizes) and waits
 * until the master listens. A port taken in between is retried with a fresh one.
 */
export async function startNginx(sandbox: Sandbox, name: string, config: (port: number, ...more: number[]) => string, portCount = 1): Promise<RunningServer> {
  const bin = binaryOf('nginx');
  const p = sandbox.nginxPrefix;
  const conf = path.join(p, 'conf', `${name}.conf`);
  const pidFile = path.join(p, 'logs', `${name}.pid`);
  const errorLog = path.join(p, 'logs', `${name}.error.log`);
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(portCount);
    const port = ports[0]!;
    const text = config(port, ...ports.slice(1));
    assert.ok(text.includes(`pid ${pidFile};`), `config ${name} must use the sandbox pid file ${pidFile}`);
    write(conf, text);
    fs.rmSync(pidFile, { force: true });
    fs.rmSync(errorLog, { force: true });
    const r = await run(bin, ['-p', `${p}/`, '-c', conf]);
    if (r.code !== 0) {
      if (/Address already in use/.test(r.output) && attempt < 5) continue;
      throw new Error(`nginx ${name} did not start:\n${shorten(r.output, sandbox)}`);
    }
    const pid = await readPid(pidFile, 'nginx');
    const server: RunningServer = {
      kind: 'nginx',
      name,
      port,
      ports,
      pid,
      errorLog: () => (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : ''),
      stop: async () => {
        running.delete(server);
        await stopPid(pid, 'nginx');
      },
    };
    running.add(server);
    try {
      for (const p of ports) await waitUntilListening(pid, 'nginx', p);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }
}

// ------------------------------------------------------------------ apache

/** Modules most cases need; mod_access_compat is left out on purpose (see A2b). */
export const APACHE_COMMON_MODULES = [
  'authz_core', 'authz_host', 'authz_user', 'authn_core', 'authn_file', 'auth_basic',
  'dir', 'autoindex', 'mime', 'alias', 'rewrite', 'headers', 'setenvif', 'env', 'allowmethods',
];

export interface ApacheSkeletonOptions {
  modules?: string[];
  logLevel?: string;
}

/** The ground truth's standalone Apache skeleton (see lib.sh ap_write) before a case body. */
export function apacheSkeleton(sandbox: Sandbox, name: string, port: number, body: string, options: ApacheSkeletonOptions = {}): string {
  const a = sandbox.apacheRoot;
  const modules = options.modules ?? APACHE_COMMON_MODULES;
  return [
    `# ${name}: generated by test/conformance`,
    `ServerRoot "${a}"`,
    `DefaultRuntimeDir "${a}/run"`,
    `PidFile "${a}/run/${name}.pid"`,
    `Mutex file:${a}/run default`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    `LoadModule mpm_prefork_module ${APACHE_MODULES_DIR}/mod_mpm_prefork.so`,
    'StartServers 1',
    'MinSpareServers 1',
    'MaxSpareServers 2',
    'User www-data',
    'Group www-data',
    `ErrorLog "${a}/logs/${name}.error.log"`,
    `LogLevel ${options.logLevel ?? 'warn'}`,
    'LogFormat "%h \\"%r\\" %>s %b" short',
    `CustomLog "${a}/logs/${name}.access.log" short`,
    ...modules.map((m) => `LoadModule ${m}_module ${APACHE_MODULES_DIR}/mod_${m}.so`),
    ...(modules.includes('mime') ? ['TypesConfig /etc/mime.types'] : []),
    '# ---- case body ----',
    body,
    '',
  ].join('\n');
}

export async function apacheTest(sandbox: Sandbox, name: string, config: string): Promise<ConfigTest> {
  const file = path.join(sandbox.apacheRoot, 'conf', `${name}.conf`);
  write(file, config);
  const r = await run(binaryOf('apache'), ['-t', '-f', file]);
  return { ok: r.code === 0, output: shorten(r.output, sandbox) };
}

/** Like startNginx for Apache (`apache2 -f <conf> -k start`, mpm_prefork). */
export async function startApache(sandbox: Sandbox, name: string, config: (port: number, ...more: number[]) => string, portCount = 1): Promise<RunningServer> {
  const bin = binaryOf('apache');
  const a = sandbox.apacheRoot;
  const conf = path.join(a, 'conf', `${name}.conf`);
  const pidFile = path.join(a, 'run', `${name}.pid`);
  const errorLog = path.join(a, 'logs', `${name}.error.log`);
  const readLog = () => (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '');
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(portCount);
    const port = ports[0]!;
    const text = config(port, ...ports.slice(1));
    assert.ok(text.includes(`PidFile "${pidFile}"`), `config ${name} must use the sandbox pid file ${pidFile}`);
    write(conf, text);
    fs.rmSync(pidFile, { force: true });
    fs.rmSync(errorLog, { force: true });
    const r = await run(bin, ['-f', conf, '-k', 'start']);
    let pid: number;
    try {
      if (r.code !== 0) throw new Error(r.output);
      pid = await readPid(pidFile, 'apache2');
    } catch (error) {
      const why = `${r.output}\n${readLog()}`;
      if (/Address already in use/.test(why) && attempt < 5) continue;
      throw new Error(`apache2 ${name} did not start:\n${shorten(why, sandbox)}\n${error instanceof Error ? error.message : ''}`);
    }
    const server: RunningServer = {
      kind: 'apache',
      name,
      port,
      ports,
      pid,
      errorLog: readLog,
      stop: async () => {
        running.delete(server);
        await stopPid(pid, 'apache2');
      },
    };
    running.add(server);
    try {
      for (const p of ports) await waitUntilListening(pid, 'apache2', p);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }
}

// ------------------------------------------------------------------ requests

export interface RequestSpec {
  method?: string;
  /** The request target: a path, or an absolute URL when the server acts as a forward proxy. */
  path: string;
  /** Host header (default 127.0.0.1:<port>). */
  host?: string;
  headers?: Record<string, string>;
  /** Basic credentials `user:password`. */
  auth?: string;
  /** Source address, e.g. OTHER_CLIENT. */
  from?: string;
  body?: string;
  timeoutMs?: number;
}

export type Observed =
  | { kind: 'response'; status: number; reason: string; headers: http.IncomingHttpHeaders; body: string }
  | { kind: 'closed'; error: string }
  | { kind: 'timeout' };

/** At most this much of a body is kept (big downloads are cut off, which closes the socket). */
const BODY_LIMIT = 64 * 1024;

export function request(port: number, spec: RequestSpec): Promise<Observed> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Observed) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const headers: Record<string, string> = { Connection: 'close', ...(spec.headers ?? {}) };
    if (spec.host) headers.Host = spec.host;
    if (spec.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(spec.body));
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: spec.path,
      method: spec.method ?? 'GET',
      headers,
      agent: false,
      ...(spec.auth ? { auth: spec.auth } : {}),
      ...(spec.from ? { localAddress: spec.from } : {}),
      timeout: spec.timeoutMs ?? 5000,
    });
    req.on('timeout', () => {
      done({ kind: 'timeout' });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => done({ kind: 'closed', error: error.code ?? error.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () =>
        done({ kind: 'response', status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= BODY_LIMIT) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
    });
    req.end(spec.body);
  });
}

/**
 * A request whose response stays open (a slow download): resolves once the status line and
 * headers arrived. With `stall`, the body is never read, so a large response keeps the
 * connection busy (socket buffers full) until `close()` drops it.
 */
export function openDownload(port: number, spec: RequestSpec, options: { stall?: boolean } = {}): Promise<{ status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: spec.path, method: spec.method ?? 'GET', agent: false, timeout: spec.timeoutMs ?? 5000 });
    req.on('timeout', () => {
      req.destroy();
      reject(new Error(`no response headers for ${spec.path} within the timeout`));
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.on('error', () => undefined); // close() aborts on purpose
      if (!options.stall) res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.end();
  });
}

/**
 * Sends raw bytes (for requests node's client refuses to build: no Host, two Host headers...)
 * and returns what came back until the server closed or the timeout passed.
 */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const finish = () => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
  });
}

/** `HTTP/1.1 400 Bad Request` → 400 (undefined when nothing came back). */
export function rawStatus(response: string): number | undefined {
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(response);
  return m ? Number(m[1]) : undefined;
}

// ------------------------------------------------------------------ expectations and the table

export interface Expectation {
  status?: number;
  /** The connection is closed without any response (nginx 444/499/408). */
  closed?: true;
  /** Exact reason phrase (e.g. '' for nginx's 451 and 600). */
  reason?: string;
  /** Header → exact value, a pattern, or null for "absent". Names are case-insensitive. */
  headers?: Record<string, string | RegExp | null>;
  body?: RegExp;
}

export function describeObserved(o: Observed, headerNames: string[] = []): string {
  if (o.kind === 'closed') return `closed without response (${o.error})`;
  if (o.kind === 'timeout') return 'timeout';
  const shown = headerNames
    .map((n) => [n, o.headers[n.toLowerCase()]] as const)
    .filter(([, v]) => v !== undefined)
    .map(([n, v]) => `${n}: ${Array.isArray(v) ? v.join(', ') : v}`);
  return `${o.status}${o.reason ? ` ${o.reason}` : ''}${shown.length ? ` [${shown.join('; ')}]` : ''}`;
}

export function describeExpected(e: Expectation): string {
  if (e.closed) return 'closed without response';
  const parts: string[] = [];
  if (e.status !== undefined) parts.push(`${e.status}${e.reason !== undefined ? ` "${e.reason}"` : ''}`);
  for (const [n, v] of Object.entries(e.headers ?? {})) parts.push(v === null ? `no ${n}` : `${n}: ${v instanceof RegExp ? v.source : v}`);
  if (e.body) parts.push(`body ~ /${e.body.source}/`);
  return parts.join(', ');
}

/** Mismatches between an observation and an expectation (empty: it matches). */
export function mismatches(o: Observed, e: Expectation): string[] {
  const out: string[] = [];
  if (e.closed) {
    if (o.kind !== 'closed') out.push(`expected the connection to close without a response, got ${describeObserved(o)}`);
    return out;
  }
  if (o.kind !== 'response') return [`expected a response, got ${describeObserved(o)}`];
  if (e.status !== undefined && o.status !== e.status) out.push(`status ${o.status}, expected ${e.status}`);
  if (e.reason !== undefined && o.reason !== e.reason) out.push(`reason "${o.reason}", expected "${e.reason}"`);
  for (const [name, want] of Object.entries(e.headers ?? {})) {
    const raw = o.headers[name.toLowerCase()];
    const got = Array.isArray(raw) ? raw.join(', ') : raw;
    if (want === null) {
      if (got !== undefined) out.push(`header ${name}: "${got}" present, expected absent`);
    } else if (got === undefined) out.push(`header ${name} missing`);
    else if (want instanceof RegExp ? !want.test(got) : got !== want) out.push(`header ${name}: "${got}", expected ${want instanceof RegExp ? want : `"${want}"`}`);
  }
  if (e.body && !e.body.test(o.body)) out.push(`body ${JSON.stringify(o.body.slice(0, 80))} does not match /${e.body.source}/`);
  return out;
}

export interface TableRow {
  scenario: string;
  server: string;
  request: string;
  expected: string;
  observed: string;
  ok: boolean;
}

/** Collects one row per check and prints the markdown table at the end of a file. */
export class ResultTable {
  readonly rows: TableRow[] = [];
  constructor(private readonly title: string) {}

  add(row: TableRow): void {
    this.rows.push(row);
  }

  render(): string {
    // Control bytes and undecodable input (a TLS hello echoed in a log line) would make the output binary.
    const cell = (s: string) => s.replace(/[\u0000-\u001f\u007f\ufffd]/g, '?').replace(/\|/g, '\\|');
    const lines = [
      `### ${this.title}`,
      '',
      '| scenario | server | request | expected | observed | ✓/✗ |',
      '|---|---|---|---|---|---|',
      ...this.rows.map((r) => `| ${[r.scenario, r.server, r.request, r.expected, r.observed].map(cell).join(' | ')} | ${r.ok ? '✓' : '✗'} |`),
      '',
      `${this.rows.filter((r) => r.ok).length}/${this.rows.length} checks as expected`,
    ];
    return lines.join('\n');
  }
}

export function describeRequest(spec: RequestSpec): string {
  const credentials = (userPass: string) => {
    const [user, password] = userPass.split(':');
    return `${user}:${password === HTPASSWD_PASSWORD ? 'good' : 'bad'}-pw`;
  };
  const headers = Object.entries(spec.headers ?? {}).map(([name, value]) => {
    const basic = /^Basic (.+)$/.exec(value);
    if (basic) return `${name} ${credentials(Buffer.from(basic[1]!, 'base64').toString())}`;
    return value.length > 40 ? `${name} of ${value.length} bytes` : `${name}: ${value}`;
  });
  const extras = [spec.host ? `Host ${spec.host}` : '', spec.auth ? `as ${credentials(spec.auth)}` : '', ...headers, spec.from ? `from ${spec.from}` : '']
    .filter(Boolean)
    .join(', ');
  return `${spec.method ?? 'GET'} ${spec.path}${extras ? ` (${extras})` : ''}`;
}

/**
 * Requests `spec` from `server`, records a table row and fails with every mismatch.
 * `label` names the scenario/case in the table.
 */
export async function check(table: ResultTable, label: string, server: RunningServer, spec: RequestSpec, expected: Expectation): Promise<Observed> {
  const observed = await request(server.port, spec);
  const problems = mismatches(observed, expected);
  table.add({
    scenario: label,
    server: server.kind,
    request: describeRequest(spec),
    expected: describeExpected(expected),
    observed: describeObserved(observed, Object.keys(expected.headers ?? {})),
    ok: problems.length === 0,
  });
  assert.deepEqual(problems, [], `${label}: ${describeRequest(spec)}: ${problems.join('; ')}`);
  return observed;
}

/** Records a config-test row (`nginx -t` / `apache2 -t`) and asserts its outcome. */
export function checkConfigTest(table: ResultTable, label: string, kind: ServerKind, result: ConfigTest, expected: { ok: boolean; output?: RegExp }, what?: string): void {
  const tool = kind === 'nginx' ? 'nginx -t' : 'apache2 -t';
  const firstLine = result.output.split('\n').find((l) => /emerg|error|AH\d+|Syntax|test failed|invalid/i.test(l)) ?? result.output.split('\n')[0] ?? '';
  const ok = result.ok === expected.ok && (!expected.output || expected.output.test(result.output));
  table.add({
    scenario: label,
    server: kind,
    request: what ? `${tool}: ${what}` : tool,
    expected: `${expected.ok ? 'accepted' : 'rejected'}${expected.output ? ` ~ /${expected.output.source}/` : ''}`,
    observed: `${result.ok ? 'accepted' : 'rejected'}: ${firstLine.replace(/^.*\] /, '').replace(/^\d+#\d+: /, '').slice(0, 140)}`,
    ok,
  });
  assert.equal(result.ok, expected.ok, `${label}: ${what ? `${what}: ` : ''}${tool} ${result.ok ? 'accepted' : 'rejected'} the config:\n${result.output}`);
  if (expected.output) assert.match(result.output, expected.output, `${label}: ${tool} output`);
}
