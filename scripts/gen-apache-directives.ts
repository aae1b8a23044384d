/**
 * Regenerates server/src/data/apache-directives.json from Apache httpd's own reference data:
 * the `<directivesynopsis>` entries of `docs/manual/mod/*.xml` (name, module, syntax, default,
 * contexts, override class). Only those facts are kept; no text of Apache's is committed.
 *
 *   node --import tsx scripts/gen-apache-directives.ts --git-dir <httpd.git> [--ref refs/heads/2.4.x]
 *   node --import tsx scripts/gen-apache-directives.ts --dir <checkout>/docs/manual/mod
 *   ... --verify /usr/sbin/apache2 [--modules /usr/lib/apache2/modules]
 *
 * The 2.4.x branch is the default: it documents the Apache that users run (2.4), not trunk.
 *
 * With --verify, each directive whose module is installed is also placed at the top level, in a
 * <VirtualHost>, a <Directory>, a <Location> and a <Files> of a scratch config, and `apache2 -t`
 * says whether that place is accepted or refused ("not allowed here", "cannot occur within").
 * The docs are not exact here (many "server config" directives are accepted in a vhost; Alias is
 * refused in <Directory> although documented for "directory"), and StatusLens reports a refused
 * place as an error, so decisive verdicts are stored next to the documented contexts.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const OUT = path.resolve(__dirname, '..', 'server', 'src', 'data', 'apache-directives.json');

/** Context letters used in the table (kept short: the table ships in the server bundle). */
const CONTEXT_LETTERS: Record<string, string> = {
  'server config': 's',
  'virtual host': 'v',
  directory: 'd',
  '.htaccess': 'h',
  'proxy section': 'p',
};

interface Row {
  name: string;
  module: string;
  syntax: string;
  default: string;
  contexts: string;
  override: string;
  /** Places `apache2 -t` accepted / refused: s top level, v <VirtualHost>, d <Directory>, l <Location>, f <Files>. */
  accepted: string;
  refused: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The module reference files, as [file name, XML text]. Translations (`*.fr.xml`…) and indexes are skipped. */
function readSources(): { files: [string, string][]; source: string } {
  const gitDir = arg('--git-dir');
  const dir = arg('--dir');
  const isModuleFile = (f: string) => /^(core|mod_[a-z0-9_]+|mpm_[a-z_]+|event|prefork|worker|mpmt_os2)\.xml$/.test(f);
  if (gitDir) {
    const ref = arg('--ref') ?? 'refs/heads/2.4.x';
    const git = (...a: string[]) => execFileSync('git', ['--git-dir', gitDir, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const commit = git('rev-parse', ref).trim();
    const names = git('ls-tree', '--name-only', commit, 'docs/manual/mod/').split('\n').map((p) => path.posix.basename(p)).filter(isModuleFile);
    return {
      files: names.map((n) => [n, git('show', `${commit}:docs/manual/mod/${n}`)]),
      source: `apache/httpd ${ref} ${commit} docs/manual/mod/*.xml`,
    };
  }
  if (dir) {
    const names = fs.readdirSync(dir).filter(isModuleFile).sort();
    return { files: names.map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]), source: `apache/httpd docs/manual/mod/*.xml (${dir})` };
  }
  console.error('usage: gen-apache-directives.ts --git-dir <httpd.git> [--ref <ref>] | --dir <docs/manual/mod>');
  process.exit(2);
}

/** Element text with markup removed and whitespace collapsed (syntax lines hold <var>, <em>…). */
function text(xml: string): string {
  return xml
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function element(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? m[1] : undefined;
}

function extract(file: string, xml: string): Row[] {
  const module = text(element(xml, 'name') ?? file.replace(/\.xml$/, ''));
  const rows: Row[] = [];
  for (const m of xml.matchAll(/<directivesynopsis([^>]*)>([\s\S]*?)<\/directivesynopsis>/g)) {
    const attrs = m[1]!;
    const body = m[2]!;
    // `location="mpm_common"` entries are cross-references; the directive is described in that file.
    if (/\blocation=/.test(attrs)) continue;
    const name = text(element(body, 'name') ?? '');
    if (!name) continue;
    const contexts = [...body.matchAll(/<context>([\s\S]*?)<\/context>/g)]
      .map((c) => CONTEXT_LETTERS[text(c[1]!)])
      .filter((c): c is string => !!c)
      .join('');
    rows.push({
      name: /\btype="section"/.test(attrs) ? `<${name}>` : name,
      module,
      syntax: text(element(body, 'syntax') ?? ''),
      default: text(element(body, 'default') ?? ''),
      contexts,
      override: text(element(body, 'override') ?? '').replace(/\s*,\s*/g, ','),
      accepted: '',
      refused: '',
    });
  }
  return rows;
}

async function main() {
  const { files, source } = readSources();
  const byName = new Map<string, Row>();
  for (const [file, xml] of files) {
    for (const row of extract(file, xml)) {
      const key = row.name.toLowerCase();
      const seen = byName.get(key);
      // A few directives are documented by more than one module (e.g. MPM variants): keep every module name.
      if (seen) seen.module = [...new Set([...seen.module.split('|'), row.module])].join('|');
      else byName.set(key, row);
    }
  }
  const rows = [...byName.values()].sort((a, b) => a.name.replace(/[<>]/g, '').localeCompare(b.name.replace(/[<>]/g, ''), 'en', { sensitivity: 'base' }));

  const apache = arg('--verify');
  const verifiedWith = apache ? await verify(apache, arg('--modules') ?? '/usr/lib/apache2/modules', rows) : undefined;

  // One directive per line: reviewable diffs, compact file.
  const lines = rows.map((r) => JSON.stringify([r.name, r.module, r.syntax, r.default, r.contexts, r.override, r.accepted, r.refused]));
  const json = [
    '{',
    `  "source": ${JSON.stringify(source)},`,
    '  "fields": ["name", "module", "syntax", "default", "contexts", "override", "accepted", "refused"],',
    `  "contexts": ${JSON.stringify(Object.entries(CONTEXT_LETTERS).map(([k, v]) => `${v}=${k}`).join(', '))},`,
    `  "verified": ${JSON.stringify(verifiedWith ? `${verifiedWith}; places: s=top level, v=<VirtualHost>, d=<Directory>, l=<Location>, f=<Files>` : '')},`,
    '  "directives": [',
    lines.map((l) => `    ${l}`).join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, json);
  console.log(`apache directives: ${rows.length} from ${files.length} module files -> ${path.relative(process.cwd(), OUT)}`);
}

// ---------------------------------------------------------------------------------------------
// --verify: where does a real apache2 accept each directive?

/** Modules compiled into Debian's apache2 (no LoadModule needed) and the MPM-shared directives. */
const STATIC = new Set(['core', 'mod_so', 'mod_watchdog', 'http_core', 'mod_log_config', 'mod_logio', 'mod_version', 'mod_unixd', 'mpm_common']);
/** Modules another module needs loaded first. */
const NEEDS: [RegExp, string][] = [
  [/^(proxy_|lbmethod_)/, 'proxy'],
  [/^cache_(disk|socache)$/, 'cache'],
  [/^dav_(fs|lock)$/, 'dav'],
  [/^session_/, 'session'],
  [/^(authn_dbd|authz_dbd|session_dbd)$/, 'dbd'],
  [/^authnz_ldap$/, 'ldap'],
];
const BASE_MODULES = ['authz_core', 'authz_host', 'authz_user', 'authn_core', 'authn_file', 'auth_basic', 'alias', 'mime', 'dir'];
const REFUSED_HERE = /not allowed here|cannot occur within|not allowed in <|not allowed in .* context|only valid in|may only|only in <|outside of|can only be used|only allowed/i;
const PLACES: Record<string, (stmt: string) => string> = {
  s: (x) => x,
  v: (x) => `<VirtualHost 127.0.0.1:1>\n${x}\n</VirtualHost>`,
  d: (x) => `<Directory "/nonexistent/statuslens">\n${x}\n</Directory>`,
  l: (x) => `<Location "/statuslens">\n${x}\n</Location>`,
  f: (x) => `<Files "statuslens">\n${x}\n</Files>`,
};

function modulesFor(row: Row, moduleDir: string): string[] | undefined {
  const out: string[] = [];
  for (const mod of row.module.split('|')) {
    if (STATIC.has(mod)) continue;
    const m = mod.replace(/^mod_/, '');
    if (!fs.existsSync(path.join(moduleDir, `mod_${m}.so`))) return undefined; // MPM-specific or not installed
    for (const [re, dep] of NEEDS) if (re.test(m)) out.push(dep);
    out.push(m);
  }
  return out;
}

/**
 * Arguments the generic guesses cannot produce. LoadModule/LoadFile run while the file is read,
 * before Apache looks at the section around them, so only a real module tells where they are taken.
 */
const SPECIAL_ARGS: Record<string, (moduleDir: string) => string> = {
  loadmodule: (dir) => `info_module ${dir}/mod_info.so`,
  loadfile: (dir) => `${dir}/mod_info.so`,
};

/** Argument strings to try: known-good ones, the documented default's, the first listed choice, then generic ones. */
function candidateArgs(row: Row, moduleDir: string): string[] {
  const bare = row.name.replace(/[<>]/g, '');
  const out: string[] = [];
  const special = SPECIAL_ARGS[bare.toLowerCase()];
  if (special) out.push(special(moduleDir));
  if (row.default.toLowerCase().startsWith(bare.toLowerCase() + ' ')) out.push(row.default.slice(bare.length + 1).split('(')[0]!.trim());
  const first = row.syntax.slice(row.syntax.indexOf(' ') + 1).split(' ')[0]!.replace(/[[\]]/g, '');
  if (first.includes('|')) out.push(first.split('|')[0]!);
  out.push('On', '1', 'x', '/nonexistent x', 'x x', 'x x x');
  return [...new Set(out.filter(Boolean))];
}

async function verify(apache: string, moduleDir: string, rows: Row[]): Promise<string> {
  const version = execFileSync(apache, ['-v'], { encoding: 'utf8' }).split('\n')[0]!.replace(/^Server version:\s*/, '').trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuslens-verify-'));
  const header = (mods: string[]) =>
    [
      `ServerRoot "${dir}"`,
      `PidFile "${dir}/httpd.pid"`,
      `Mutex file:${dir} default`,
      `DefaultRuntimeDir "${dir}"`,
      'Listen 127.0.0.1:1',
      'ServerName 127.0.0.1',
      `ErrorLog "${dir}/error.log"`,
      `LoadModule mpm_prefork_module ${moduleDir}/mod_mpm_prefork.so`,
      ...[...new Set([...BASE_MODULES, ...mods])].map((m) => `LoadModule ${m}_module ${moduleDir}/mod_${m}.so`),
    ].join('\n');
  const test = (conf: string, file: string) =>
    new Promise<{ ok: boolean; out: string }>((resolve) => {
      fs.writeFileSync(file, conf);
      execFile(apache, ['-t', '-f', file], (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}${stderr}` }));
    });
  const jobs: (() => Promise<void>)[] = [];
  let n = 0;
  for (const row of rows) {
    const mods = modulesFor(row, moduleDir);
    if (!mods) continue;
    const bare = row.name.replace(/[<>]/g, '');
    for (const [place, wrap] of Object.entries(PLACES)) {
      const file = path.join(dir, `t${n++}.conf`);
      jobs.push(async () => {
        for (const args of candidateArgs(row, moduleDir)) {
          const stmt = row.name.startsWith('<') ? `<${bare} ${args}>\n</${bare}>` : `${bare} ${args}`;
          const r = await test(`${header(mods)}\n${wrap(stmt)}\n`, file);
          if (r.ok) return void (row.accepted += place);
          if (REFUSED_HERE.test(r.out)) return void (row.refused += place);
        }
      });
    }
  }
  const workers = Array.from({ length: Math.max(2, os.cpus().length) }, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await job();
  });
  await Promise.all(workers);
  for (const row of rows) {
    row.accepted = [...row.accepted].sort((a, b) => 'svdlf'.indexOf(a) - 'svdlf'.indexOf(b)).join('');
    row.refused = [...row.refused].sort((a, b) => 'svdlf'.indexOf(a) - 'svdlf'.indexOf(b)).join('');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return `apache2 -t of ${version}`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
