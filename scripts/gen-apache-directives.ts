/**
 * Regenerates server/src/data/apache-directives.json from Apache httpd's own reference data:
 * the `<directivesynopsis>` entries of `docs/manual/mod/*.xml` (name, module, syntax, default,
 * contexts, override class). Only those facts are kept; no text of Apache's is committed.
 *
 *   node --import tsx scripts/gen-apache-directives.ts --git-dir <httpd.git> [--ref refs/heads/2.4.x]
 *   node --import tsx scripts/gen-apache-directives.ts --dir <checkout>/docs/manual/mod
 *
 * The 2.4.x branch is the default: it documents the Apache that users run (2.4), not trunk.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
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
    });
  }
  return rows;
}

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

// One directive per line: reviewable diffs, compact file.
const lines = rows.map((r) => JSON.stringify([r.name, r.module, r.syntax, r.default, r.contexts, r.override]));
const json = [
  '{',
  `  "source": ${JSON.stringify(source)},`,
  '  "fields": ["name", "module", "syntax", "default", "contexts", "override"],',
  `  "contexts": ${JSON.stringify(Object.entries(CONTEXT_LETTERS).map(([k, v]) => `${v}=${k}`).join(', '))},`,
  '  "directives": [',
  lines.map((l) => `    ${l}`).join(',\n'),
  '  ]',
  '}',
  '',
].join('\n');
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, json);
console.log(`apache directives: ${rows.length} from ${files.length} module files -> ${path.relative(process.cwd(), OUT)}`);
