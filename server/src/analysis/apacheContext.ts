/**
 * Where an Apache directive sits, as Apache sees it: the kind of file (a `.htaccess` is directory
 * context under AllowOverride; httpd.conf, apache2.conf, sites-* and conf-* files are server
 * context), the section that decides its context, the conditionals that can never be true on a
 * stock 2.4, and the access-control scope it belongs to.
 */
import { walkApache, type ApacheDirective, type ApacheFile } from '../parsers/apache';
import { apacheDirective, type ApacheDirectiveInfo, type Place } from './apacheDirectives';

/**
 * - `htaccess`: per-directory file read at request time.
 * - `server`: read at start-up at the top level (httpd.conf, apache2.conf, sites-*, conf-*, mods-*, conf.d…).
 * - `server-or-vhost`: a snippet whose top level uses server/virtual-host-only directives; it may be
 *   included at the top level or inside a `<VirtualHost>`.
 * - `unknown`: a snippet that could be included anywhere (h5bp's `h5bp/*.conf` go into vhosts and .htaccess alike).
 */
export type ApacheFileKind = 'htaccess' | 'server' | 'server-or-vhost' | 'unknown';

/**
 * Where a directive is evaluated: `s` server config, `v` virtual host, `sv` one of those (not known
 * which), `h` .htaccess, and the directory-context sections apart, because Apache treats them
 * apart: `d` <Directory>, `l` <Location>, `f` <Files>, `i` <If>, `p` <Proxy>.
 */
export type ApacheWhere = 's' | 'v' | 'sv' | 'd' | 'l' | 'f' | 'i' | 'h' | 'p';

/** Sections that give their content directory context, with their place. */
const DIRECTORY_SECTIONS = new Map<string, ApacheWhere>([
  ['directory', 'd'],
  ['directorymatch', 'd'],
  ['location', 'l'],
  ['locationmatch', 'l'],
  ['files', 'f'],
  ['filesmatch', 'f'],
  ['if', 'i'],
  ['elseif', 'i'],
  ['else', 'i'],
]);
const PROXY_SECTIONS = new Set(['proxy', 'proxymatch']);
/** Conditionals: their content is read (or not) where the section stands. */
const CONDITIONAL_SECTIONS = new Set(['ifmodule', 'ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);
/** Conditionals and method limits: their content keeps the context around them. */
const TRANSPARENT_SECTIONS = new Set([...CONDITIONAL_SECTIONS, 'limit', 'limitexcept']);
export const REQUIRE_CONTAINERS = new Set(['requireall', 'requireany', 'requirenone']);

export function basenameOf(path: string): string {
  const p = path.replace(/\\/g, '/');
  return p.slice(p.lastIndexOf('/') + 1);
}

/** fnmatch of one path component (`*`, `?`, `[...]`), as Apache matches `<Directory>` and `<Files>` wildcards. */
export function wildcardMatches(pattern: string, name: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === name;
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  try {
    return new RegExp(`^${re}$`).test(name);
  } catch {
    return false;
  }
}

/** `.htaccess` by its name: `.htaccess`, `*.htaccess`, and the `htaccess.txt` some CMSs ship. */
function isHtaccessPath(path: string): boolean {
  const base = basenameOf(path).toLowerCase();
  return base === '.htaccess' || base.endsWith('.htaccess') || /(^|[._-])htaccess(\.txt|\.dist|\.sample)?$/.test(base);
}

/** Server context by the file's name or folder (the layouts of Debian, RHEL, Gentoo and the httpd tarball). */
function isServerConfigPath(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  const base = basenameOf(p).toLowerCase();
  if (/^(httpd|apache2?)\.conf$/.test(base)) return true;
  const dir = p.slice(0, p.length - base.length - 1);
  const folder = basenameOf(dir).toLowerCase();
  return /\.conf$/.test(base) && (/^(sites|conf|mods)-(enabled|available)$/.test(folder) || /^(conf\.d|conf\.modules\.d|vhosts\.d|modules\.d)$/.test(folder));
}

export function fileKindOf(path: string | undefined, file: ApacheFile): ApacheFileKind {
  if (path && isHtaccessPath(path)) return 'htaccess';
  if (path && isServerConfigPath(path)) return 'server';
  // Content: a top level that uses directives allowed only in server config / virtual host.
  for (const d of topLevel(file.directives)) {
    const info = apacheDirective(d.name, !!d.section);
    if (info && !info.contexts.has('d') && !info.contexts.has('h') && (info.contexts.has('s') || info.contexts.has('v'))) {
      return info.contexts.has('v') ? 'server-or-vhost' : 'server';
    }
  }
  return 'unknown';
}

const isConditional = (d: ApacheDirective) => !!d.section && CONDITIONAL_SECTIONS.has(d.lname);

/** The directives of a list, looking into the sections `through` accepts, without those sections (in document order). */
function flatten(list: ApacheDirective[], through: (d: ApacheDirective) => boolean): ApacheDirective[] {
  const out: ApacheDirective[] = [];
  for (const d of walkApache(list, through)) if (!d.section || !through(d)) out.push(d);
  return out;
}

/** Top-level directives, looking through conditionals. */
export function topLevel(directives: ApacheDirective[]): ApacheDirective[] {
  return flatten(directives, isConditional);
}

/** The directives directly inside a section, looking through conditionals (not into other sections). */
export function ownDirectives(section: ApacheDirective, alsoThrough: (d: ApacheDirective) => boolean = () => false): ApacheDirective[] {
  return flatten(section.section?.children ?? [], (d) => isConditional(d) || alsoThrough(d));
}

/**
 * The context `d` is evaluated in, or undefined when it cannot be known (a snippet's top level,
 * the body of a `<Macro>` or of a section we do not know).
 */
export function contextOf(d: ApacheDirective, kind: ApacheFileKind): ApacheWhere | undefined {
  for (let p = d.parent; p; p = p.parent) {
    if (TRANSPARENT_SECTIONS.has(p.lname) || REQUIRE_CONTAINERS.has(p.lname)) continue;
    const place = DIRECTORY_SECTIONS.get(p.lname);
    if (place) return kind === 'htaccess' ? 'h' : place;
    if (PROXY_SECTIONS.has(p.lname)) return 'p';
    if (p.lname === 'virtualhost') return kind === 'htaccess' ? 'h' : 'v';
    return undefined; // <Macro>, <AuthnProviderAlias>, <MDomainSet>, third-party sections
  }
  switch (kind) {
    case 'htaccess':
      return 'h';
    case 'server':
      return 's';
    case 'server-or-vhost':
      return 'sv';
    default:
      return undefined;
  }
}

/**
 * Whether Apache accepts the directive there: a verdict measured with `apache2 -t` wins over the
 * documented contexts (the docs say "server config" for many directives a vhost accepts, and
 * "directory" for Alias, which only <Location> accepts).
 */
export function allowedIn(info: ApacheDirectiveInfo, where: ApacheWhere): boolean {
  const c = info.contexts;
  const measured = (place: Place, documented: boolean) => (info.refused.has(place) ? false : info.accepted.has(place) ? true : documented);
  switch (where) {
    case 'sv':
      return measured('s', c.has('s')) || measured('v', c.has('v'));
    case 's':
    case 'v':
    case 'd':
      return measured(where, c.has(where));
    case 'l':
    case 'f':
      return measured(where, c.has('d'));
    case 'i':
      return c.has('d');
    case 'p':
      // Apache treats <Proxy> like a directory section; the docs mark a few directives "proxy section" only.
      return c.has('p') || c.has('d');
    case 'h':
      return c.has('h');
  }
}

/**
 * Whether `2.4.x <op> major.minor[.patch]` holds for every 2.4 release (true), for none (false),
 * or depends on the patch level (undefined). A missing patch counts as 0, as mod_version does.
 */
function versionTestOn24(op: string, major: number, minor: number, hasPatch: boolean): boolean | undefined {
  const cmp = major !== 2 ? 2 - major : 4 - minor; // sign of (2.4 - major.minor)
  if (cmp === 0 && hasPatch) return undefined;
  switch (op) {
    case '<':
    case '<=':
      return cmp < 0; // no released 2.4 is <= 2.4.0 (2.4.1 was the first release)
    case '>':
    case '>=':
      return cmp >= 0;
    default:
      return cmp === 0 ? undefined : false;
  }
}

/** True when a section can only describe Apache < 2.4 or a server without mod_authz_core. */
function deadOn24(section: ApacheDirective): boolean {
  const arg = section.args.map((a) => a.value).join(' ').trim();
  if (section.lname === 'ifmodule') {
    // `mod_authz_core` provides Require in 2.4 and is always there when Require works at all.
    return /^!\s*(mod_authz_core\.c|authz_core_module)$/i.test(arg);
  }
  if (section.lname === 'ifversion') {
    const m = /^(!?)\s*(<=?|>=?|==?)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(arg);
    if (!m) return false; // regex forms (`~`, `/re/`) are left alone
    const holds = versionTestOn24(m[2] ?? '=', Number(m[3]), Number(m[4] ?? 0), m[5] !== undefined);
    if (holds === undefined) return false;
    return m[1] === '!' ? holds : !holds;
  }
  return false;
}

/** Per section: is its content dead on 2.4 (the section or one around it can never be true)? */
const deadContent = new WeakMap<ApacheDirective, boolean>();

/** Inside a conditional that is false on Apache 2.4 with mod_authz_core (the usual 2.2 fallback branch). */
export function inactiveOn24(d: ApacheDirective): boolean {
  if (!d.parent) return false;
  const known = deadContent.get(d.parent);
  if (known !== undefined) return known;
  // Iterative, memoized per section: every directive costs O(1) once its parent is known.
  const chain: ApacheDirective[] = [];
  let p: ApacheDirective | undefined = d.parent;
  let dead = false;
  for (; p; p = p.parent) {
    const memo = deadContent.get(p);
    if (memo !== undefined) {
      dead = memo;
      break;
    }
    chain.push(p);
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    dead = dead || deadOn24(chain[i]!);
    deadContent.set(chain[i]!, dead);
  }
  return deadContent.get(d.parent)!;
}

/** Inside `<IfModule mod_access_compat.c>`: read only when that module is loaded. */
export function guardedByAccessCompat(d: ApacheDirective): boolean {
  for (let p = d.parent; p; p = p.parent) {
    if (p.lname === 'ifmodule' && /^(mod_access_compat\.c|access_compat_module)$/i.test(p.args.map((a) => a.value).join(' ').trim())) return true;
  }
  return false;
}

/** Sections whose content joins the access scope around them: conditionals and RequireAll/Any/None. */
const sharesScope = (section: ApacheDirective) => isConditional(section) || REQUIRE_CONTAINERS.has(section.lname);

/**
 * The section whose access rules `d` joins: the nearest directory-like section, `<VirtualHost>`,
 * `<Limit>`/`<LimitExcept>` (method-limited rules are their own scope), or undefined for the file.
 */
export function accessScopeOf(d: ApacheDirective): ApacheDirective | undefined {
  for (let p = d.parent; p; p = p.parent) if (!sharesScope(p)) return p;
  return undefined;
}

/** The directives `pick` accepts, by access scope (as `accessScopeOf`), in document order (one linear walk). */
export function directivesByScope(file: ApacheFile, pick: (d: ApacheDirective) => boolean): Map<ApacheDirective | undefined, ApacheDirective[]> {
  const out = new Map<ApacheDirective | undefined, ApacheDirective[]>();
  // The scope of each section's content, known before the content is reached: O(1) per directive however deep.
  const inner = new Map<ApacheDirective, ApacheDirective | undefined>();
  for (const d of walkApache(file.directives)) {
    const scope = d.parent ? inner.get(d.parent) : undefined;
    if (d.section) inner.set(d, sharesScope(d) ? scope : d);
    if (!pick(d)) continue;
    const group = out.get(scope);
    if (group) group.push(d);
    else out.set(scope, [d]);
  }
  return out;
}
