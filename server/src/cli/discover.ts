/**
 * Finds the files `statuslens check` looks at: nginx, Apache and route files, the way the
 * extension recognises them, honouring .gitignore files. Explicit paths and globs must exist.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { globSync } from 'tinyglobby';
import { familyFromPath, sniffFamily } from '../languages/detect';
import type { Family } from '../types';

export interface CheckTarget {
  file: string;
  family: Family;
  languageId: string;
}

export class UsageError extends Error {}

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', '.vscode-test']);
const ROUTE_LANGUAGE: Record<string, string> = {
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescriptreact',
  '.py': 'python', '.php': 'php', '.rb': 'ruby', '.go': 'go',
};
/**
 * Names that may hold a config without saying which (checked by content): config-like endings,
 * names that mention a server, and files with no extension at all (Debian's sites-*, `default`).
 */
const MAYBE_CONFIG = /(\.conf(\.[\w-]+)?|htaccess(\.txt)?|_location_override|\.vhost|\.types|_params|\.example(-apache)?|\.rules)$|nginx|apache|httpd|^[^.]+$/i;

function languageIdFor(file: string, family: Family): string {
  if (family === 'nginx') return 'nginx';
  if (family === 'apache') return 'apacheconf';
  return ROUTE_LANGUAGE[path.extname(file).toLowerCase()] ?? 'plaintext';
}

/** The family of a file, by its path, else by its content: for config-looking names, and for any file named explicitly. */
function classify(file: string, explicit: boolean): Family | undefined {
  const byPath = familyFromPath(file);
  if (byPath) return byPath;
  if (!explicit && !MAYBE_CONFIG.test(path.basename(file)) && !/\/(sites-(available|enabled)|conf\.d|vhosts?\.d)\//.test(file)) return undefined;
  const head = readHead(file);
  return head === undefined ? undefined : sniffFamily(head);
}

function readHead(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(32_768);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function discover(inputs: string[], cwd: string): CheckTarget[] {
  const found = new Map<string, CheckTarget>();
  const add = (file: string, explicit: boolean) => {
    if (found.has(file)) return;
    const family = classify(file, explicit);
    if (family) found.set(file, { file, family, languageId: languageIdFor(file, family) });
  };
  for (const input of inputs.length ? inputs : ['.']) {
    const abs = path.resolve(cwd, input);
    if (/[*?[{]/.test(input)) {
      const matches = globSync(input, { cwd, absolute: true, dot: true, onlyFiles: true, ignore: ['**/node_modules/**', '**/.git/**'] });
      if (!matches.length) throw new UsageError(`no files match "${input}"`);
      matches.sort().forEach((f) => add(f, false));
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new UsageError(`no such file or folder: ${input}`);
    }
    if (stat.isDirectory()) walk(abs, [], (f) => add(f, false));
    else add(abs, true);
  }
  return [...found.values()];
}

interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

function walk(dir: string, layers: IgnoreLayer[], visit: (file: string) => void) {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new UsageError(`cannot read folder ${dir}: ${(err as Error).message}`);
  }
  const gitignore = path.join(dir, '.gitignore');
  const here = fs.existsSync(gitignore) ? [...layers, { base: dir, rules: ignore().add(fs.readFileSync(gitignore, 'utf8')) }] : layers;
  const ignored = (full: string, isDir: boolean) =>
    here.some((l) => {
      const rel = path.relative(l.base, full).split(path.sep).join('/');
      return rel && !rel.startsWith('..') && l.rules.ignores(isDir ? `${rel}/` : rel);
    });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (ALWAYS_SKIPPED.has(e.name) || ignored(full, true)) continue;
      walk(full, here, visit);
    } else if (e.isFile() && !ignored(full, false)) {
      visit(full);
    }
  }
}
