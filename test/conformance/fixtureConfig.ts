/**
 * nginx: turns a rule fixture (a config written for a real machine: `listen 127.0.0.1:18180`,
 * `root /var/www`, `auth_basic_user_file /etc/nginx/htpasswd`, `proxy_pass http://127.0.0.1:9000`)
 * into one that runs in the conformance sandbox, using the project's own parser for exact offsets:
 *
 * - main context: our `user`/`pid`/`error_log`/`daemon` lines replace the fixture's;
 * - `http`: sandbox log and temp paths, and a default `root` for servers without one;
 * - every `listen` becomes `127.0.0.1:<port the OS gave us>` (one per distinct fixture port),
 *   and a `server` without `listen` gets one (nginx would otherwise bind *:80);
 * - absolute `root`/`alias` paths move under `<sandbox>/site/…`, where a small site is created;
 * - `auth_basic_user_file` points at the sandbox htpasswd (alice/secret);
 * - upstreams (`proxy_pass`, `fastcgi_pass`…) point at a unix socket that does not exist, so they
 *   fail with 502 without touching the network;
 * - a `stream` block is dropped when the nginx build has no stream module (Debian ships it as
 *   libnginx-mod-stream), with a note.
 * Apache: a `.conf` fixture goes after the ground truth's skeleton with its `<VirtualHost>`
 * addresses, known paths and `AuthUserFile` moved into the sandbox (adaptApacheConf); a `.htaccess`
 * fixture is placed in a folder of a small host config with the AllowOverride the scenario names.
 * Anything it cannot place safely (`include`, `ssl`) throws, so a scenario never runs a config
 * that differs from the fixture in ways nobody sees.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseApache, walkApache } from '../../server/src/parsers/apache';
import { type NginxDirective, parseNginx, walkNginx } from '../../server/src/parsers/nginx';
import { applyEdits } from '../../server/src/rules/text';
import type { Sandbox } from './harness';

export interface Edit {
  start: number;
  end: number;
  newText: string;
}

const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const UPSTREAM_DIRECTIVES = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass']);
/** Files every mapped docroot gets (relative path → content). */
export const SITE_FILES: Record<string, string> = {
  'index.html': 'site index\n',
  'custom.html': 'custom error page\n',
  '50x.html': 'custom 50x page\n',
  'x.html': 'x page\n',
  'errors/403.html': 'custom 403 page\n',
  'admin/index.html': 'admin area\n',
  'public/index.html': 'public area\n',
  'public/secret/index.html': 'public secret\n',
  'secret/file.txt': 'secret file\n',
  'a/index.html': 'a\n',
  'b/index.html': 'b\n',
  'c/index.html': 'c\n',
  'readonly/index.html': 'read only\n',
  'static/index.html': 'static\n',
  'office/index.html': 'office\n',
  'members/index.html': 'members\n',
  'downloads/file.bin': 'download\n',
  '.git/config': '[core] bare = false\n',
  '.env': 'SECRET=1\n',
  '.htpasswd': 'bob:LEAKEDHASH\n',
  '.htaccess': '# LEAKED .htaccess contents\n',
  '.well-known/security.txt': 'Contact: mailto:security@example.invalid\n',
  '.well-known/acme-challenge/token': 'acme token\n',
};

/** Distinct ports of the fixture's `listen` directives, in order; 80 stands for a server without `listen`. */
export function nginxFixturePorts(text: string): number[] {
  const tree = parseNginx(text);
  const ports: number[] = [];
  const add = (p: number) => {
    if (!ports.includes(p)) ports.push(p);
  };
  const streamAvailable = fs.existsSync(STREAM_MODULE);
  for (const d of walkNginx(tree.directives)) {
    if (isUnder(d, 'stream') && !streamAvailable) continue; // the block is dropped (see adaptNginxFixture)
    if (d.name === 'listen' && d.args[0]) add(listenPort(d.args[0].value));
    if (d.name === 'server' && d.block && isHttpServer(d) && !d.block.children.some((c) => c.name === 'listen')) add(80);
  }
  return ports.length ? ports : [80];
}

function listenPort(value: string): number {
  const m = /(?:^|:)(\d+)$/.exec(value);
  if (!m) throw new Error(`conformance: cannot place "listen ${value}" on 127.0.0.1 (unix sockets and named hosts are not supported)`);
  return Number(m[1]);
}

function isHttpServer(d: NginxDirective): boolean {
  return d.parent?.name === 'http';
}

function isUnder(d: NginxDirective, name: string): boolean {
  for (let p = d.parent; p; p = p.parent) if (p.name === name) return true;
  return false;
}

export interface AdaptedConfig {
  text: string;
  /** What was changed beyond paths and ports, for the output. */
  notes: string[];
  /** Docroots the config uses (created with SITE_FILES). */
  docroots: string[];
  /** Other folders the config names (created empty when missing). */
  folders?: string[];
}

export interface NginxAdaptOptions {
  sandbox: Sandbox;
  /** Config name: log and pid file names. */
  name: string;
  /** Fixture port → sandbox port. */
  ports: Map<number, number>;
  /** Where absolute fixture paths (`/var/www/a`) are re-rooted. */
  siteRoot: string;
}

const q = (value: string) => (/[\s;{}"'#$]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value);

export function adaptNginxFixture(text: string, o: NginxAdaptOptions): AdaptedConfig {
  const tree = parseNginx(text);
  if (tree.errors.length) throw new Error(`conformance: the fixture does not parse: ${tree.errors[0]!.message}`);
  const p = o.sandbox.nginxPrefix;
  const edits: Edit[] = [];
  const notes: string[] = [];
  const docroots = new Set<string>();
  const mapPath = (value: string) => path.join(o.siteRoot, path.isAbsolute(value) ? value : path.join('prefix', value));
  const defaultRoot = path.join(o.siteRoot, 'default');
  const port = (original: number) => {
    const mapped = o.ports.get(original);
    if (!mapped) throw new Error(`conformance: no sandbox port for fixture port ${original}`);
    return mapped;
  };
  const replaceArgs = (d: NginxDirective, args: string[]) => {
    const first = d.args[0];
    const last = d.args[d.args.length - 1];
    if (!first || !last) edits.push({ start: d.nameEnd, end: d.nameEnd, newText: ` ${args.join(' ')}` });
    else edits.push({ start: first.start, end: last.end, newText: args.join(' ') });
  };
  const remove = (d: NginxDirective) => edits.push({ start: d.start, end: d.end, newText: '' });

  const top = tree.directives;
  const hasStream = top.some((d) => d.name === 'stream');
  const streamAvailable = fs.existsSync(STREAM_MODULE);
  const main = [
    `# adapted by test/conformance for the sandbox`,
    ...(hasStream && streamAvailable ? [`load_module ${STREAM_MODULE};`] : []),
    'user www-data;',
    'worker_processes 1;',
    'daemon on;',
    `pid ${p}/logs/${o.name}.pid;`,
    `error_log ${p}/logs/${o.name}.error.log info;`,
    ...(top.some((d) => d.name === 'events') ? [] : ['events { worker_connections 64; }']),
    '',
  ].join('\n');
  edits.push({ start: 0, end: 0, newText: main });

  for (const d of walkNginx(top)) {
    const args = d.args.map((a) => a.value);
    if (!d.parent && ['user', 'pid', 'error_log', 'daemon', 'worker_processes', 'master_process'].includes(d.name)) remove(d);
    else if (d.name === 'stream' && !d.parent && !streamAvailable) {
      remove(d);
      notes.push('stream block dropped: this nginx has no ngx_stream_module');
    } else if (isUnder(d, 'stream') && !streamAvailable) continue;
    else if (d.name === 'http' && d.block) {
      const httpRoot = d.block.children.some((c) => c.name === 'root');
      const lines = [
        `access_log ${p}/logs/${o.name}.access.log;`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${p}/tmp/${t};`),
        ...(d.block.children.some((c) => c.name === 'default_type') ? [] : ['default_type text/plain;']),
        ...(httpRoot ? [] : [`root ${defaultRoot};`]),
      ];
      if (!httpRoot) docroots.add(defaultRoot);
      edits.push({ start: d.block.start + 1, end: d.block.start + 1, newText: `\n    ${lines.join('\n    ')}` });
    } else if (d.name === 'server' && d.block && isHttpServer(d) && !d.block.children.some((c) => c.name === 'listen')) {
      edits.push({ start: d.block.start + 1, end: d.block.start + 1, newText: `\n        listen 127.0.0.1:${port(80)};` });
    } else if (d.name === 'listen' && args[0]) {
      if (args.includes('ssl') || args.includes('quic') || args.includes('http2')) throw new Error(`conformance: "listen ${args.join(' ')}" needs TLS, which the adapter does not set up`);
      replaceArgs(d, [`127.0.0.1:${port(listenPort(args[0]))}`, ...args.slice(1).filter((a) => !/^(reuseport|ipv6only=)/.test(a))]);
    } else if ((d.name === 'root' || d.name === 'alias') && args[0] !== undefined) {
      if (args[0].includes('$')) throw new Error(`conformance: "${d.name} ${args[0]}" has variables; the adapter cannot re-root it`);
      const mapped = mapPath(args[0]);
      docroots.add(d.name === 'alias' ? path.dirname(mapped) : mapped);
      replaceArgs(d, [q(mapped) + (args[0].endsWith('/') ? '/' : '')]);
    } else if (d.name === 'auth_basic_user_file') replaceArgs(d, [o.sandbox.htpasswd]);
    else if (d.name === 'access_log' || d.name === 'error_log') {
      if (args[0] !== 'off') replaceArgs(d, [`${p}/logs/${o.name}.${d.name === 'access_log' ? 'access' : 'error'}.extra.log`, ...args.slice(1)]);
    } else if (UPSTREAM_DIRECTIVES.has(d.name) && args[0]) {
      const dead = path.join(o.sandbox.root, 'no-such-upstream.sock');
      if (isUnder(d, 'stream')) replaceArgs(d, [`unix:${dead}`]);
      else {
        const m = /^(\w+):\/\/[^/]+(\/.*)?$/.exec(args[0]);
        if (!m) throw new Error(`conformance: cannot redirect "${d.name} ${args[0]}" to a dead socket`);
        replaceArgs(d, [`${m[1]}://unix:${dead}:${m[2] ?? ''}`.replace(/:$/, '')]);
      }
    } else if (d.name === 'include') {
      if (args[0] === 'mime.types') replaceArgs(d, ['/etc/nginx/mime.types']);
      else throw new Error(`conformance: "include ${args[0]}" is not supported by the fixture adapter`);
    } else if (/^ssl_/.test(d.name)) throw new Error(`conformance: "${d.name}" needs TLS, which the adapter does not set up`);
  }
  return { text: applyEdits(text, edits), notes, docroots: [...docroots] };
}

/** Creates SITE_FILES (and `extra`) under every docroot of an adapted config, and its other folders. */
export function populateDocroots(docroots: string[], extra: Record<string, string | Buffer> = {}, folders: string[] = []): void {
  for (const folder of folders) fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
  for (const root of docroots) {
    for (const [file, content] of Object.entries({ ...SITE_FILES, ...extra })) {
      const target = path.join(root, file);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      fs.writeFileSync(target, content, { mode: 0o644 });
    }
  }
}

// ------------------------------------------------------------------ Apache

/** Fixture path prefixes that are re-rooted under the scenario's site directory. */
const APACHE_PATH_PREFIXES = ['/srv/', '/var/www', '/tmp', '/etc/apache2/', '/usr/local/apache2/htdocs'];
/** Server-context directives the sandbox skeleton owns; the fixture's top-level ones are dropped. */
const APACHE_OWNED = new Set(['serverroot', 'pidfile', 'listen', 'errorlog', 'customlog', 'user', 'group', 'mutex', 'defaultruntimedir', 'loglevel', 'startservers']);

export interface ApacheAdaptOptions {
  sandbox: Sandbox;
  name: string;
  port: number;
  siteRoot: string;
  /** Modules the skeleton loads (the fixture's own LoadModule lines for them are dropped). */
  modules: string[];
}

/** The site directory a fixture path lives at in the sandbox. */
export function apacheSitePath(siteRoot: string, value: string): string | undefined {
  return APACHE_PATH_PREFIXES.some((p) => value === p.replace(/\/$/, '') || value.startsWith(p)) ? path.join(siteRoot, value) : undefined;
}

/**
 * An Apache server-config fixture (`.conf`) adapted to the sandbox: the ground truth's skeleton
 * (ServerRoot, pid file, logs, `Listen 127.0.0.1:<port>`, modules) and `DocumentRoot <site>/srv/www`
 * before the fixture; in the fixture, `<VirtualHost …:80>` → `*:<port>`, known absolute paths
 * re-rooted, `AuthUserFile` → the sandbox htpasswd, the top-level directives the skeleton owns
 * dropped. Directives inside sections are never dropped (a misplaced `Listen` is the point of
 * some fixtures).
 */
export function adaptApacheConf(text: string, skeleton: string, o: ApacheAdaptOptions): AdaptedConfig {
  const tree = parseApache(text);
  const edits: Edit[] = [];
  const docroots = new Set<string>([path.join(o.siteRoot, 'srv', 'www')]);
  const folders = new Set<string>();
  const quote = (v: string) => `"${v.replace(/(["\\])/g, '\\$1')}"`;
  for (const d of walkApache(tree.directives)) {
    const args = d.args;
    if (!d.parent && APACHE_OWNED.has(d.lname)) {
      edits.push({ start: d.start, end: d.end, newText: `# (sandbox) ${d.name} dropped` });
      continue;
    }
    if (d.lname === 'loadmodule' && args[0] && o.modules.includes(args[0].value.replace(/_module$/, ''))) {
      edits.push({ start: d.start, end: d.end, newText: `# (sandbox) ${d.name} ${args[0].value}: loaded by the skeleton` });
      continue;
    }
    if (d.lname === 'include' || d.lname === 'includeoptional') throw new Error(`conformance: "${d.name}" is not supported by the fixture adapter`);
    if (d.lname === 'virtualhost') {
      for (const a of args) edits.push({ start: a.start, end: a.end, newText: `*:${o.port}` });
      continue;
    }
    if (d.lname === 'authuserfile' && args[0]) {
      edits.push({ start: args[0].start, end: args[0].end, newText: quote(o.sandbox.htpasswd) });
      continue;
    }
    for (const a of args) {
      const mapped = apacheSitePath(o.siteRoot, a.value);
      if (!mapped) continue;
      edits.push({ start: a.start, end: a.end, newText: quote(mapped) });
      // Docroots get the site files; other mapped folders (<Directory> paths) only have to exist.
      if (d.lname === 'documentroot' || (d.lname === 'alias' && a === args[args.length - 1])) docroots.add(mapped);
      else if (d.lname === 'directory') folders.add(mapped);
    }
  }
  const body = applyEdits(text, edits);
  return { text: `${skeleton}\nDocumentRoot "${path.join(o.siteRoot, 'srv', 'www')}"\n# ---- fixture ----\n${body}\n`, notes: [], docroots: [...docroots], folders: [...folders] };
}

/**
 * The server config around a `.htaccess` fixture: `DocumentRoot <site>/srv/www` and, for the
 * folder `htaccessDir` holding the fixture, `AllowOverride <allowOverride>` + `Require all granted`.
 */
export function apacheHtaccessHost(skeleton: string, siteRoot: string, allowOverride: string): AdaptedConfig {
  const root = path.join(siteRoot, 'srv', 'www');
  return {
    text: `${skeleton}\nDocumentRoot "${root}"\n<Directory "${root}">\n    AllowOverride ${allowOverride}\n    Require all granted\n</Directory>\n`,
    notes: [],
    docroots: [root],
  };
}

/** A `.htaccess` fixture with its `AuthUserFile` pointed at the sandbox htpasswd. */
export function adaptHtaccess(text: string, sandbox: Sandbox): string {
  const tree = parseApache(text);
  const edits: Edit[] = [];
  for (const d of walkApache(tree.directives)) {
    if (d.lname === 'authuserfile' && d.args[0]) edits.push({ start: d.args[0].start, end: d.args[0].end, newText: `"${sandbox.htpasswd}"` });
  }
  return applyEdits(text, edits);
}
