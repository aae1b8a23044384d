/**
 * The server configuration that governs a `.htaccess`: the `<Directory>` sections covering its
 * folder and the `AllowOverride` / `AllowOverrideList` they leave in effect.
 *
 * The workspace is assumed to hold a copy of the server's files (an /etc/apache2 tree, a
 * /var/www tree, or both under one folder). A `<Directory /var/www/html>` covers a .htaccess whose
 * folder path contains `var/www/html` as consecutive components (`/ws/var/www/html/blog`).
 * Conservative by design: unless some `<Directory>` other than `/` covers the folder, there is no
 * governing config and the rules that need one stay quiet.
 */
import * as path from 'node:path';
import { walkApache, type ApacheDirective, type ApacheFile } from '../parsers/apache';
import type { WorkspaceFiles } from '../workspace';
import { ancestorsOf, includeClosure, parseOtherFile, readOnce } from './apacheIncludes';
import { ownDirectives, wildcardMatches } from './apacheContext';

export type OverrideName = 'AuthConfig' | 'FileInfo' | 'Indexes' | 'Limit' | 'Options';
const OVERRIDE_NAMES: OverrideName[] = ['AuthConfig', 'FileInfo', 'Indexes', 'Limit', 'Options'];

export interface OverrideSetting {
  /** `AllowOverride None` with no AllowOverrideList: Apache does not read the .htaccess at all. */
  none: boolean;
  /** Classes allowed (all five for `All`). */
  classes: Set<OverrideName>;
  /** `Options=Indexes,MultiViews`: the only options a .htaccess may set (undefined: any). */
  options?: Set<string>;
  /** `AllowOverrideList` names, lower case. */
  list: Set<string>;
  /** `Nonfatal=Override` / `Nonfatal=All`: a forbidden directive is ignored instead of answering 500. */
  nonfatalOverride: boolean;
}

export interface SettingSource {
  path: string;
  /** 0-based line in that file. */
  line: number;
  text: string;
}

export interface GoverningConfig {
  setting: OverrideSetting;
  /** The AllowOverride line that decided (undefined: Apache's default, None). */
  decidedBy?: SettingSource;
  /** The most specific `<Directory>` covering the folder. */
  directory: SettingSource;
  /** Require lines of covering `<Directory>` sections (inherited by the .htaccess), as written after `Require`. */
  inheritedRequires: string[];
}

/** Main configs at fixed places below a folder (cheap to test: no wildcard). */
const MAIN_CONFIGS = ['apache2.conf', 'httpd.conf', 'conf/httpd.conf', 'etc/apache2/apache2.conf', 'etc/httpd/conf/httpd.conf'];
/** Site files kept without their main config (a project's `sites-available/app.conf`, `conf.d/app.conf`). */
const SITE_PATTERNS = ['sites-*/*.conf', 'conf.d/*.conf'];

/** Candidate configs cached briefly: every keystroke in a .htaccess re-analyses it. */
const discoveryCache = new WeakMap<WorkspaceFiles, Map<string, { at: number; files: string[] }>>();
const DISCOVERY_TTL_MS = 5000;

const globPath = (...parts: string[]) => path.join(...parts).split(path.sep).join('/');

/**
 * Server configs near `dir`, searched from the folder upward; the nearest ancestor holding any
 * wins. Main configs pull in their vhost files through Include (followed by the caller); Debian
 * copies often lack the sites-enabled symlinks, so sites-available next to a main config counts too.
 */
function findServerConfigs(files: WorkspaceFiles, dir: string): string[] {
  let cache = discoveryCache.get(files);
  if (!cache) discoveryCache.set(files, (cache = new Map()));
  const hit = cache.get(dir);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.files;
  let found: string[] = [];
  for (const base of ancestorsOf(dir, 6, files.roots())) {
    const here = new Set<string>();
    for (const p of MAIN_CONFIGS) {
      for (const f of files.glob(globPath(base, p))) {
        here.add(path.normalize(f));
        for (const site of files.glob(globPath(path.dirname(f), 'sites-available', '*.conf'))) here.add(path.normalize(site));
      }
    }
    for (const p of SITE_PATTERNS) for (const f of files.glob(globPath(base, p))) here.add(path.normalize(f));
    if (here.size) {
      found = [...here].sort();
      break;
    }
  }
  cache.set(dir, { at: Date.now(), files: found });
  return found;
}

/** How many components of `dirPath` a `<Directory>` path covers: -1 when it does not cover it, 0 for `/`. */
export function directoryCovers(sectionPath: string, dirPath: string): number {
  const want = sectionPath.split('/').filter(Boolean);
  if (!want.length) return 0;
  const have = dirPath.split(/[\\/]+/).filter(Boolean);
  for (let i = 0; i + want.length <= have.length; i++) {
    if (want.every((w, j) => wildcardMatches(w, have[i + j]!))) return want.length;
  }
  return -1;
}

interface Covering {
  section: ApacheDirective;
  depth: number;
  order: number;
  vhost?: ApacheDirective;
  configPath: string;
  lineOf: (offset: number) => number;
  text: string;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

function parseAllowOverride(args: string[], base: OverrideSetting): OverrideSetting {
  const out: OverrideSetting = { ...base, classes: new Set(), list: base.list, nonfatalOverride: false };
  delete out.options;
  let none = false;
  for (const raw of args) {
    const [key, value] = raw.split('=', 2) as [string, string | undefined];
    const k = key.toLowerCase();
    if (k === 'none') none = true;
    else if (k === 'all') OVERRIDE_NAMES.forEach((n) => out.classes.add(n));
    else if (k === 'nonfatal') out.nonfatalOverride = /^(override|all)$/i.test(value ?? '');
    else {
      const name = OVERRIDE_NAMES.find((n) => n.toLowerCase() === k);
      if (name) out.classes.add(name);
      if (name === 'Options' && value) out.options = new Set(value.split(',').map((o) => o.trim().toLowerCase()));
    }
  }
  out.none = (none || out.classes.size === 0) && out.list.size === 0;
  return out;
}

/**
 * The governing config of a .htaccess at `htaccessPath`, or undefined when the workspace holds
 * none that covers its folder.
 */
export function governingConfig(workspace: WorkspaceFiles, htaccessPath: string): GoverningConfig | undefined {
  const dir = path.dirname(htaccessPath);
  // Discovery is cached per workspace (`workspace`); the configs and their includes are read once here.
  const configs = findServerConfigs(workspace, dir);
  if (!configs.length) return undefined;
  const files = readOnce(workspace);
  const covering: Covering[] = [];
  const visited = new Set<string>();
  let order = 0;
  const scan = (configPath: string, file: ApacheFile) => {
    if (visited.has(configPath)) return;
    visited.add(configPath);
    const text = files.read(configPath) ?? '';
    // Lines are for quoting the covering sections: most files of a closure hold none.
    let lineOf: ((offset: number) => number) | undefined;
    for (const d of walkApache(file.directives)) {
      if (d.lname !== 'directory' || !d.args[0] || d.args[0].value === '~' || d.args.length > 1) continue;
      const depth = directoryCovers(d.args[0].value, dir);
      if (depth < 0) continue;
      let vhost: ApacheDirective | undefined;
      for (let p = d.parent; p; p = p.parent) if (p.lname === 'virtualhost') vhost = p;
      lineOf ??= lineIndex(text);
      covering.push({ section: d, depth, order: order++, ...(vhost ? { vhost } : {}), configPath, lineOf, text });
    }
  };
  for (const configPath of configs) {
    const file = parseOtherFile(files, configPath);
    if (!file) continue;
    scan(configPath, file);
    for (const inc of includeClosure(files, configPath, file).files) scan(inc.path, inc.file);
  }
  if (!covering.some((c) => c.depth > 0)) return undefined;

  // Apache merges <Directory> sections shortest path first, then in config order. Sections inside
  // different virtual hosts never apply together: evaluate each host and keep the most permissive.
  const global = covering.filter((c) => !c.vhost);
  const hosts = [...new Set(covering.filter((c) => c.vhost).map((c) => c.vhost!))];
  const groups = hosts.length ? hosts.map((h) => [...global, ...covering.filter((c) => c.vhost === h)]) : [global];
  let best: { setting: OverrideSetting; decidedBy?: SettingSource; directory: Covering } | undefined;
  const inheritedRequires: string[] = [];
  for (const group of groups) {
    group.sort((a, b) => a.depth - b.depth || a.order - b.order);
    let setting: OverrideSetting = { none: true, classes: new Set(), list: new Set(), nonfatalOverride: false };
    let decidedBy: SettingSource | undefined;
    for (const c of group) {
      for (const d of ownDirectives(c.section)) {
        const source = { path: c.configPath, line: c.lineOf(d.start), text: c.text.slice(d.start, d.end) };
        if (d.lname === 'allowoverridelist') {
          const names = d.args.map((a) => a.value.toLowerCase()).filter((n) => n !== 'none');
          setting = { ...setting, list: new Set(names), none: setting.classes.size === 0 && names.length === 0 };
          decidedBy = source;
        } else if (d.lname === 'allowoverride') {
          setting = parseAllowOverride(d.args.map((a) => a.value), setting);
          decidedBy = source;
        } else if (d.lname === 'require') {
          inheritedRequires.push(d.args.map((a) => a.value).join(' '));
        }
      }
    }
    const directory = group[group.length - 1]!;
    if (!best || permissiveness(setting) > permissiveness(best.setting)) best = { setting, ...(decidedBy ? { decidedBy } : {}), directory };
  }
  if (!best) return undefined;
  const d = best.directory;
  return {
    setting: best.setting,
    ...(best.decidedBy ? { decidedBy: best.decidedBy } : {}),
    directory: { path: d.configPath, line: d.lineOf(d.section.start), text: d.text.slice(d.section.start, d.section.section?.openEnd ?? d.section.end) },
    inheritedRequires,
  };
}

function permissiveness(s: OverrideSetting): number {
  if (s.none) return 0;
  return 1 + s.classes.size * 10 + (s.options ? 0 : 5) + s.list.size + (s.nonfatalOverride ? 1 : 0);
}
