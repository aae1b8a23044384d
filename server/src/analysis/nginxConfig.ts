/**
 * The nginx configuration as nginx assembles it: `include` expanded in place, every block a
 * `Level` that knows its context and its parent, and, for a file that is itself included
 * (conf.d/x.conf, a snippet of `location` blocks), the places it is included from.
 *
 * Inheritance in nginx is per level: a directive set at a level replaces what the outer levels
 * set (add_header, error_page, allow/deny, limit_req_status...). `effective()` walks up the levels
 * and answers `unknown` when it reaches the top of a snippet whose includer was not found, so
 * that rules can stay quiet instead of guessing.
 */
import * as path from 'node:path';
import { findCovering, hasDirectiveBody, parseNginx, reparseNginxBlock, spliceNginxBlock, type NginxDirective, type NginxFile } from '../parsers/nginx';
import type { TextChange } from '../types';
import { createParseCache } from './parseCache';
import type { WorkspaceFiles } from '../workspace';

export type NginxContext =
  | 'main' | 'events' | 'http' | 'server' | 'location' | 'if' | 'limit_except' | 'upstream'
  | 'stream' | 'mail' | 'data' | 'other'
  /** The top of a snippet whose includer is unknown and whose content does not tell. */
  | 'unknown';

export interface ConfigFile {
  /** Absolute path; undefined for an unsaved document. */
  path: string | undefined;
  /** A stable key: the path, or the document URI. */
  key: string;
  text: string;
  tree: NginxFile;
}

/** A directive as it sits in a level once includes are expanded. */
export interface Entry {
  directive: NginxDirective;
  file: ConfigFile;
  /** The files `include`d to reach this entry (cycle guard), outermost first. */
  chain: readonly string[];
  /** For a directive brought in by `include`: the include written at this level's own file. */
  via?: Entry;
}

/** A file's place in a configuration: the level its top-level directives belong to. */
export interface Placement {
  top: Level;
  /** The include that put the file there (undefined for a complete config or an orphan). */
  include?: Entry;
  /** False for a snippet whose includer was not found. */
  known: boolean;
  /** "nginx.conf:47", for messages. */
  label?: string;
}

/** Caps against include cycles and fan-out. */
const MAX_DEPTH = 12;
const MAX_FILES = 400;
const MAX_EXPANSIONS = 4000;
const MAX_GLOB = 256;
const MAX_PLACEMENTS = 16;
const MAX_MAIN_CANDIDATES = 8;
/** Blocks visited while looking for the includers of a file. */
const MAX_VISITS = 50_000;
const WALK_UP_LEVELS = 4;

/** Trees of other files (includers, included snippets). */
const otherFiles = createParseCache(parseNginx);

/** Empties the cache of other files' trees (a document closed: they are parsed again when needed). */
export function clearParseCache(): void {
  otherFiles.clear();
}

const NON_HTTP: ReadonlySet<NginxContext> = new Set(['stream', 'mail', 'events', 'data', 'upstream']);

/** The context of a block named `name` opened inside `parent`. */
export function childContext(parent: NginxContext, name: string): NginxContext {
  if (parent === 'stream' || parent === 'mail') return parent; // nothing under stream/mail is HTTP
  switch (name) {
    case 'http':
    case 'events':
    case 'stream':
    case 'mail':
    case 'upstream':
      return name;
    case 'server':
      return parent === 'upstream' ? 'other' : 'server';
    case 'location':
    case 'if':
    case 'limit_except':
      return name;
    case 'map':
    case 'geo':
    case 'types':
    case 'split_clients':
    case 'charset_map':
    case 'match':
      return 'data';
    default:
      return 'other';
  }
}

/** Whether a level's directives are HTTP directives (rules ignore stream, mail and the rest). */
export function isHttpLevel(level: Level): boolean {
  return !NON_HTTP.has(level.context) && level.context !== 'other';
}

/**
 * Levels with at most this many entries answer lookups by scanning: most blocks (locations) hold a
 * handful of directives, and three maps per block cost more memory than the scan costs time.
 */
const SCAN_LIMIT = 8;

/** One block of the configuration (or a file's top), with its directives include-expanded. */
export class Level {
  private list?: Entry[];
  private index?: Map<string, Entry[]>;
  private byDirective?: Map<NginxDirective, Entry>;
  private order?: Map<Entry, number>;
  private kids?: Map<NginxDirective, Level>;

  constructor(
    private readonly graph: ConfigGraph,
    readonly context: NginxContext,
    /** The file holding `block` (or the file whose top this is). */
    readonly file: ConfigFile,
    /** The directive that opens this block; undefined at a file's top. */
    readonly block: NginxDirective | undefined,
    readonly parent: Level | undefined,
    /** True at the top of a snippet whose includer is unknown: what is above is unknown. */
    readonly openAbove: boolean,
    private readonly source: NginxDirective[],
    readonly chain: readonly string[],
  ) {}

  /** The directives of this level in order, with `include`s replaced by what they include (the include entries stay too). */
  entries(): Entry[] {
    // An exact-size copy: the pushed-to list keeps spare room (17 slots or more), for every block.
    this.list ??= this.graph.expand(this.source, this.file, this, this.chain, undefined).slice();
    return this.list;
  }

  named(name: string): Entry[] {
    const entries = this.entries();
    if (entries.length <= SCAN_LIMIT) return entries.filter((e) => e.directive.name === name);
    if (!this.index) {
      this.index = new Map();
      for (const e of this.entries()) {
        const list = this.index.get(e.directive.name);
        if (list) list.push(e);
        else this.index.set(e.directive.name, [e]);
      }
    }
    return this.index.get(name) ?? [];
  }

  /** The position of an entry among this level's entries. */
  orderOf(e: Entry): number {
    const entries = this.entries();
    if (entries.length <= SCAN_LIMIT) return entries.indexOf(e);
    if (!this.order) {
      this.order = new Map();
      this.entries().forEach((x, i) => this.order!.set(x, i));
    }
    return this.order.get(e) ?? -1;
  }

  entryOf(d: NginxDirective): Entry | undefined {
    const entries = this.entries();
    if (entries.length <= SCAN_LIMIT) return entries.find((e) => e.directive === d);
    if (!this.byDirective) {
      this.byDirective = new Map();
      for (const e of this.entries()) this.byDirective.set(e.directive, e);
    }
    return this.byDirective.get(d);
  }

  /** The level of a block directive written at this level. */
  child(d: NginxDirective): Level {
    this.kids ??= new Map();
    let kid = this.kids.get(d);
    if (!kid) {
      const entry = this.entryOf(d);
      kid = new Level(this.graph, childContext(this.context, d.name), entry?.file ?? this.file, d, this, false, d.block?.children ?? [], entry?.chain ?? this.chain);
      this.kids.set(d, kid);
    }
    return kid;
  }

  /**
   * Forgets what was worked out under this level (entries, indexes, child levels), to be worked
   * out again when asked: rules need it, hovers and links do not, and it is a third of a big
   * configuration's memory.
   */
  release(): void {
    const stack: Level[] = [this];
    while (stack.length) {
      const level = stack.pop()!;
      if (level.kids) for (const kid of level.kids.values()) stack.push(kid);
      level.list = level.index = level.byDirective = level.order = level.kids = undefined;
      locationsCache.delete(level);
    }
  }

  /** This level and its ancestors, innermost first. */
  *ancestry(): Generator<Level> {
    for (let l: Level | undefined = this; l; l = l.parent) yield l;
  }

  /** The nearest enclosing level (or this one) of a context. */
  nearest(context: NginxContext): Level | undefined {
    for (const l of this.ancestry()) if (l.context === context) return l;
    return undefined;
  }
}

export type Lookup =
  | { kind: 'set'; entries: Entry[]; level: Level }
  | { kind: 'unset' }
  /** The walk reached the top of a snippet whose includer is unknown. */
  | { kind: 'unknown' };

/**
 * What nginx uses at `level` for directives that are inherited as a whole (add_header,
 * error_page, allow+deny, limit_req_status, auth_basic...): the nearest level that sets any of `names`.
 */
export function effective(level: Level, names: readonly string[]): Lookup {
  for (let l: Level | undefined = level; l; l = l.parent) {
    const found = names.length === 1 ? l.named(names[0]!) : names.flatMap((n) => l!.named(n));
    if (found.length) {
      if (names.length > 1) found.sort((a, b) => l!.orderOf(a) - l!.orderOf(b));
      return { kind: 'set', entries: found, level: l };
    }
    if (l.openAbove) return { kind: 'unknown' };
  }
  return { kind: 'unset' };
}

/** How a `location` matches (`@name` locations are never matched by URI). */
export interface LocationRef {
  entry: Entry;
  level: Level;
  modifier: '=' | '^~' | '~' | '~*' | '' | '@';
  path: string;
  /** The compiled regex of a `~`/`~*` location, once asked for (null: not evaluable in JS). */
  regex?: RegExp | null;
}

export function locationOf(d: NginxDirective): { modifier: LocationRef['modifier']; path: string } | undefined {
  const [a, b] = d.args;
  if (!a) return undefined;
  if (b && !a.quote && (a.value === '=' || a.value === '^~' || a.value === '~' || a.value === '~*')) return { modifier: a.value, path: b.value };
  const v = a.value;
  if (a.quote) return { modifier: '', path: v };
  if (v.startsWith('@')) return { modifier: '@', path: v };
  if (v.startsWith('^~')) return { modifier: '^~', path: v.slice(2) };
  if (v.startsWith('~*')) return { modifier: '~*', path: v.slice(2) };
  if (v.startsWith('~')) return { modifier: '~', path: v.slice(1) };
  if (v.startsWith('=')) return { modifier: '=', path: v.slice(1) };
  return { modifier: '', path: v };
}

const regexCache = new Map<string, RegExp | null>();
/** nginx's PCRE as a JS RegExp, or null when it uses syntax JS lacks (then matches are uncertain). */
export function nginxRegex(source: string, caseless: boolean): RegExp | null {
  const key = `${caseless ? 'i' : 's'}:${source}`;
  if (regexCache.has(key)) return regexCache.get(key)!;
  let s = source;
  let flags = caseless ? 'i' : '';
  if (s.startsWith('(?i)')) {
    s = s.slice(4);
    flags = 'i';
  }
  s = s.replace(/\(\?P</g, '(?<');
  let re: RegExp | null = null;
  // Possessive quantifiers, atomic groups, \A \Z \h and inline flags mean something else or nothing in JS.
  if (!/\(\?>|[+*?}]\+|\\[AZzhHKQ]|\(\?[a-zA-Z]/.test(s)) {
    try {
      re = new RegExp(s, flags);
      // V8 compiles on use, once per subject width (Latin-1, two-byte) and again natively on the
      // second run, and only then may find a pattern too large (a 130 KB location regex from the
      // fuzzer): run all four here, inside the try.
      for (const subject of ['', '', '\u0100', '\u0100']) re.test(subject);
    } catch {
      re = null;
    }
  }
  if (regexCache.size > 4096) regexCache.clear();
  regexCache.set(key, re);
  return re;
}

export interface LocationMatch {
  /** The location that serves the URI (innermost), or undefined when the server level itself does. */
  location?: LocationRef;
  /** False when a regex location could not be evaluated, so another location might win. */
  certain: boolean;
}

const locationsCache = new WeakMap<Level, LocationRef[]>();

/** The locations of a level (include-expanded), parsed once. */
export function locationsIn(level: Level): LocationRef[] {
  const hit = locationsCache.get(level);
  if (hit) return hit;
  const out: LocationRef[] = [];
  for (const entry of level.named('location')) {
    if (!hasDirectiveBody(entry.directive)) continue;
    const loc = locationOf(entry.directive);
    if (!loc) continue;
    out.push({ entry, level: level.child(entry.directive), ...loc });
  }
  locationsCache.set(level, out);
  return out;
}

/**
 * Which location of a server serves `uri`, following ngx_http_core_find_location: an exact
 * match wins; else the longest prefix (and its nested locations); then, unless that prefix is
 * `^~`, the first regex in order (and its nested locations).
 */
export function matchLocation(level: Level, uri: string): LocationMatch {
  const r = findIn(level, uri);
  return { ...(r.ref ? { location: r.ref } : {}), certain: r.certain };
}

function findIn(level: Level, uri: string): { ref?: LocationRef; final: boolean; certain: boolean } {
  const locs = locationsIn(level);
  const exact = locs.find((l) => l.modifier === '=' && l.path === uri);
  if (exact) return { ref: exact, final: true, certain: true };
  let prefix: LocationRef | undefined;
  for (const l of locs) {
    if ((l.modifier === '' || l.modifier === '^~') && uri.startsWith(l.path) && (!prefix || l.path.length > prefix.path.length)) prefix = l;
  }
  let current = prefix;
  let certain = true;
  if (prefix) {
    const nested = findIn(prefix.level, uri);
    certain = nested.certain;
    if (nested.final) return nested;
    if (nested.ref) current = nested.ref;
  }
  if (prefix?.modifier !== '^~') {
    for (const l of locs) {
      if (l.modifier !== '~' && l.modifier !== '~*') continue;
      const re = l.regex === undefined ? (l.regex = nginxRegex(l.path, l.modifier === '~*')) : l.regex;
      if (!re) {
        certain = false;
        continue;
      }
      if (re.test(uri)) {
        const nested = findIn(l.level, uri);
        return { ref: nested.ref ?? l, final: true, certain: certain && nested.certain };
      }
    }
  }
  return { ...(current ? { ref: current } : {}), final: false, certain };
}

/** What a file says about where it belongs when nobody is found including it. */
export function inferContext(tree: NginxFile, filePath: string | undefined): NginxContext {
  const names = new Set(tree.directives.map((d) => (d.block ? `${d.name}{}` : d.name)));
  const has = (...n: string[]) => n.some((x) => names.has(x));
  if (has('http{}', 'events{}', 'stream{}', 'mail{}', 'worker_processes', 'pid', 'load_module', 'user', 'worker_rlimit_nofile', 'daemon')) return 'main';
  if (has('server{}', 'upstream{}', 'map{}', 'geo{}', 'split_clients{}', 'limit_req_zone', 'limit_conn_zone', 'log_format', 'proxy_cache_path', 'fastcgi_cache_path')) return 'http';
  if (has('location{}', 'listen', 'server_name')) return 'server';
  const p = (filePath ?? '').replace(/\\/g, '/');
  if (/\/(conf\.d|sites-enabled|sites-available|http\.d|vhosts?\.d)\/[^/]+$/.test(p)) return 'http';
  return 'unknown';
}

/** Files of a configuration, include resolution, and the discovery of a file's includers. */
export class ConfigGraph {
  private readonly files = new Map<string, ConfigFile | null>();
  private expansions = 0;
  /** True when a cap stopped include expansion (cycles are not counted). */
  truncated = false;
  /** Where the document was found included during expansion. */
  readonly docIncludes: { level: Level; include: Entry }[] = [];
  private readonly realDoc?: string;

  constructor(
    private readonly workspace: WorkspaceFiles,
    readonly doc: ConfigFile,
    /** Directories holding an nginx.conf: relative includes resolve there first, as nginx does against its prefix. */
    readonly roots: string[],
    /** Tried last, after the including file's own directory: the workspace folders. */
    readonly fallbackRoots: string[] = [],
  ) {
    if (doc.path) this.realDoc = this.real(doc.path);
  }

  private real(p: string): string {
    try {
      return this.workspace.realpath?.(p) ?? p;
    } catch {
      return p;
    }
  }

  isDoc(p: string): boolean {
    return !!this.doc.path && (p === this.doc.path || this.real(p) === this.realDoc);
  }

  load(p: string): ConfigFile | undefined {
    if (this.isDoc(p)) return this.doc;
    if (this.files.has(p)) return this.files.get(p) ?? undefined;
    if (this.files.size >= MAX_FILES) {
      this.truncated = true;
      return undefined;
    }
    const text = this.workspace.read(p);
    const file = text === undefined ? null : { path: p, key: p, text, tree: otherFiles.get(p, text) };
    this.files.set(p, file);
    return file ?? undefined;
  }

  private readonly resolved = new Map<string, string[]>();

  /**
   * Absolute paths an include pattern names, seen from `from`. nginx resolves a relative include
   * against its prefix (the directory of nginx.conf), not the including file, so the nginx roots
   * come first; the including file's own directory is the fallback for trees that do not mirror
   * the server's layout.
   */
  resolve(pattern: string, from: ConfigFile): string[] {
    const key = `${from.path ? path.dirname(from.path) : ''}\0${pattern}`;
    let hit = this.resolved.get(key);
    if (!hit) this.resolved.set(key, (hit = this.resolveUncached(pattern, from)));
    return hit;
  }

  private resolveUncached(pattern: string, from: ConfigFile): string[] {
    const isGlob = /[*?[]/.test(pattern);
    const bases = path.isAbsolute(pattern) ? [''] : [...this.roots, ...(from.path ? [path.dirname(from.path)] : []), ...this.fallbackRoots];
    const seen = new Set<string>();
    for (const base of bases) {
      const full = base ? path.join(base, pattern) : pattern;
      if (seen.has(full)) continue;
      seen.add(full);
      const found = isGlob ? this.workspace.glob(full).filter((m) => !hiddenByGlob(full, m)) : this.workspace.read(full) !== undefined || this.isDoc(full) ? [full] : [];
      if (found.length) return found.slice(0, MAX_GLOB);
      // A `sites-enabled/*` include would take the document once enabled: judge it as such.
      if (isGlob && this.availableSiteFor(full)) return [this.doc.path!];
    }
    return [];
  }

  /** `…/sites-enabled/*` and the document is `…/sites-available/<name>` beside it. */
  private availableSiteFor(globPath: string): boolean {
    const docPath = this.doc.path;
    if (!docPath) return false;
    const dir = path.dirname(globPath);
    return path.basename(dir) === 'sites-enabled' && path.basename(path.dirname(docPath)) === 'sites-available' && path.dirname(path.dirname(docPath)) === path.dirname(dir);
  }

  /** `directives` as nginx sees them at `level`: each `include` followed by the directives it includes. */
  expand(directives: NginxDirective[], file: ConfigFile, level: Level, chain: readonly string[], via: Entry | undefined): Entry[] {
    const out: Entry[] = [];
    for (const d of directives) {
      const entry: Entry = { directive: d, file, chain, ...(via ? { via } : {}) };
      out.push(entry);
      if (d.name !== 'include' || d.block || !d.args[0]) continue;
      if (this.expansions >= MAX_EXPANSIONS) {
        this.truncated = true;
        continue;
      }
      for (const target of this.resolve(d.args[0].value, file)) {
        const loaded = this.load(target);
        if (!loaded) continue;
        if (loaded === this.doc && this.docIncludes.length < MAX_PLACEMENTS && !this.docIncludes.some((x) => x.level === level)) {
          this.docIncludes.push({ level, include: via ?? entry });
        }
        if (chain.includes(loaded.key)) continue; // an include cycle: nginx would loop; we stop
        if (chain.length >= MAX_DEPTH || ++this.expansions > MAX_EXPANSIONS) {
          this.truncated = true;
          continue;
        }
        // No spread: an included block list can hold a hundred thousand `deny` lines.
        for (const e of this.expand(loaded.tree.directives, loaded, level, [...chain, loaded.key], via ?? entry)) out.push(e);
      }
    }
    return out;
  }

  /** Visits every level under `top` (expanding includes as nginx would), stopping early on `enough()`. */
  visitAll(top: Level, enough: () => boolean): void {
    const stack: Level[] = [top];
    let visited = 0;
    while (stack.length && !enough() && visited++ < MAX_VISITS) {
      const level = stack.pop()!;
      if (level.context === 'data') continue;
      const kids: Level[] = [];
      for (const e of level.entries()) if (hasDirectiveBody(e.directive)) kids.push(level.child(e.directive));
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
    if (stack.length && visited >= MAX_VISITS) this.truncated = true;
  }
}

/**
 * nginx expands include globs with glob(3), where `*` and `?` do not match a leading dot:
 * `conf.d/*.conf` leaves `conf.d/.default.conf` out (h5bp ships its default server that way).
 */
function hiddenByGlob(pattern: string, match: string): boolean {
  const pat = pattern.split(/[\\/]/);
  const got = match.split(/[\\/]/);
  if (pat.length !== got.length) return path.basename(match).startsWith('.') && !path.basename(pattern).startsWith('.');
  return got.some((seg, i) => seg.startsWith('.') && !pat[i]!.startsWith('.') && /[*?[]/.test(pat[i]!));
}

/** Main configs that might include the document: nginx.conf walking up from it and in the workspace roots. */
function mainCandidates(files: WorkspaceFiles, docPath: string | undefined): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p) && files.read(p) !== undefined) out.push(p);
  };
  if (docPath) {
    let dir = path.dirname(docPath);
    for (let i = 0; i < WALK_UP_LEVELS; i++) {
      add(path.join(dir, 'nginx.conf'));
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  for (const root of files.roots()) {
    for (const rel of ['nginx.conf', 'etc/nginx/nginx.conf', 'nginx/nginx.conf', 'conf/nginx.conf']) add(path.join(root, rel));
    for (const p of cachedGlob(files, path.join(root, '*', '*', 'nginx.conf'))) add(p);
    for (const p of cachedGlob(files, path.join(root, '*', 'nginx.conf'))) add(p);
  }
  return out.filter((p) => p !== docPath).slice(0, MAX_MAIN_CANDIDATES);
}

/** Workspace globs for nginx.conf run at most every few seconds per workspace (they walk directories). */
const globCache = new WeakMap<WorkspaceFiles, Map<string, { at: number; paths: string[] }>>();
function cachedGlob(files: WorkspaceFiles, pattern: string): string[] {
  let byPattern = globCache.get(files);
  if (!byPattern) globCache.set(files, (byPattern = new Map()));
  const hit = byPattern.get(pattern);
  const now = Date.now();
  if (hit && now - hit.at < 5000) return hit.paths;
  const paths = files.glob(pattern).filter((p) => !/[\\/]node_modules[\\/]/.test(p));
  byPattern.set(pattern, { at: now, paths });
  return paths;
}

export interface NginxConfigAnalysis {
  graph: ConfigGraph;
  placements: Placement[];
  /** The document's own context when it is not included anywhere (or 'main' for a complete config). */
  ownContext: NginxContext;
}

/** Builds the graph for a document and finds where it belongs. */
export function analyseConfig(doc: ConfigFile, files: WorkspaceFiles): NginxConfigAnalysis {
  const ownContext = inferContext(doc.tree, doc.path);
  const mains = ownContext === 'main' ? [] : mainCandidates(files, doc.path);
  const roots = [...new Set([...(ownContext === 'main' && doc.path ? [path.dirname(doc.path)] : []), ...mains.map((m) => path.dirname(m)), ...walkUpRoots(files, doc.path)])];
  const graph = new ConfigGraph(files, doc, roots, files.roots().filter((r) => !roots.includes(r)));
  const placements: Placement[] = [];
  for (const main of mains) {
    const file = graph.load(main);
    if (!file) continue;
    const top = new Level(graph, 'main', file, undefined, undefined, false, file.tree.directives, [file.key]);
    graph.visitAll(top, () => graph.docIncludes.length >= MAX_PLACEMENTS);
    if (graph.docIncludes.length) break; // the first main config that includes the document is the one nginx runs
  }
  for (const { level, include } of graph.docIncludes) {
    const line = include.file.text.slice(0, include.directive.start).split('\n').length;
    placements.push({ top: level, include, known: true, label: `${include.file.path ? path.basename(include.file.path) : include.file.key}:${line}` });
  }
  if (!placements.length) {
    const context = ownContext === 'unknown' ? 'unknown' : ownContext;
    const top = new Level(graph, context, doc, undefined, undefined, context !== 'main', doc.tree.directives, [doc.key]);
    placements.push({ top, known: context === 'main' });
  }
  return { graph, placements, ownContext };
}

function walkUpRoots(files: WorkspaceFiles, docPath: string | undefined): string[] {
  const out: string[] = [];
  if (!docPath) return out;
  let dir = path.dirname(docPath);
  for (let i = 0; i < WALK_UP_LEVELS; i++) {
    if (files.read(path.join(dir, 'nginx.conf')) !== undefined) out.push(dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}

/** Every directive of the document in order (skipping map/types and Lua bodies), with include directives too. */
export function documentDirectives(tree: Pick<NginxFile, 'directives'>): NginxDirective[] {
  const out: NginxDirective[] = [];
  const visit = (list: NginxDirective[]) => {
    for (const d of list) {
      out.push(d);
      if (hasDirectiveBody(d)) visit(d.block.children);
    }
  };
  visit(tree.directives);
  return out;
}

/** What the nginx language hands its rules: the document's tree, placed in its configuration. */
export interface NginxParsed {
  text: string;
  tree: NginxFile;
  doc: ConfigFile;
  graph: ConfigGraph;
  /** At least one: where the document's top-level directives live. */
  placements: Placement[];
  /** What the document's content says its context is (before looking for includers). */
  ownContext: NginxContext;
  /**
   * The directives this run judges, in order, skipping map/types entries and Lua bodies: the whole
   * document, or only the server block an edit fell in when an update re-checks just that (`scope`).
   */
  directives: NginxDirective[];
  /** The judged directives of one name, in order (rules iterate these to find what to report). */
  named(name: string): NginxDirective[];
  /** The whole document's directives of one name, in order, whatever the scope (for lookups). */
  lookup(name: string): NginxDirective[];
  /** Set on a view that judges only this server block (see `scopeTo`). */
  scope?: NginxDirective;
  /** The level that a block of the document opens (undefined: the document's top) in a placement. */
  levelOf(block: NginxDirective | undefined, placement: Placement): Level;
  /** Drops what only the rules use (levels, the directive list and index); it is rebuilt when asked. */
  release(): void;
}

/** Directives by name, in order. */
function indexByName(directives: NginxDirective[]): Map<string, NginxDirective[]> {
  const byName = new Map<string, NginxDirective[]>();
  for (const d of directives) {
    const list = byName.get(d.name);
    if (list) list.push(d);
    else byName.set(d.name, [d]);
  }
  return byName;
}

function assemble(text: string, tree: NginxFile, filePath: string | undefined, key: string, files: WorkspaceFiles, known?: NginxDirective[]): NginxParsed {
  const doc: ConfigFile = { path: filePath, key: filePath ?? key, text, tree };
  const { graph, placements, ownContext } = analyseConfig(doc, files);
  // Both worked out when first asked, and dropped by release().
  let directives = known;
  let byName: Map<string, NginxDirective[]> | undefined;
  const all = () => (directives ??= documentDirectives(tree));
  const named = (name: string) => (byName ??= indexByName(all())).get(name) ?? [];
  const levelOf = (block: NginxDirective | undefined, placement: Placement): Level =>
    block ? levelOf(block.parent, placement).child(block) : placement.top;
  return {
    text,
    tree,
    doc,
    graph,
    placements,
    ownContext,
    get directives() {
      return all();
    },
    named,
    lookup: named,
    levelOf,
    release() {
      directives = undefined;
      byName = undefined;
      // From the top of each placement's configuration: a snippet's levels hang off its includer's.
      for (const p of placements) {
        let top = p.top;
        while (top.parent) top = top.parent;
        top.release();
      }
    },
  };
}

export function analyseNginxDocument(text: string, filePath: string | undefined, key: string, files: WorkspaceFiles): NginxParsed {
  return assemble(text, parseNginx(text), filePath, key, files);
}

/** What an update re-read: the server block the edit fell in, before and after. */
export interface NginxUpdate {
  parsed: NginxParsed;
  /** The block as it now reads (judge it with `scopeTo`). */
  block: NginxDirective;
  /** Where the block was in the old text; everything after `oldEnd` moved by `delta`. */
  oldStart: number;
  oldEnd: number;
  delta: number;
}

/**
 * The outermost `server` block whose braces strictly hold the change; undefined when the change
 * touches anything else (the top of the file, the http level, a brace).
 */
function serverBlockHolding(tree: NginxFile, change: TextChange): NginxDirective | undefined {
  let list = tree.directives;
  for (;;) {
    const hit = findCovering(list, change.start);
    const block = hit?.block;
    if (!hit || !block || block.kind !== 'directives' || !block.closed) return undefined;
    if (!(block.start < change.start && change.oldEnd < block.end)) return undefined;
    if (hit.name === 'server') return hit;
    list = block.children;
  }
}

/**
 * Re-analyses a document after an edit inside one server block, reusing `previous` (whose tree it
 * changes in place: the caller hands it over). Undefined when only a whole analysis will do: a
 * block is left open, the edit is outside every server block, or it changes the block's bounds.
 */
export function updateNginxDocument(previous: NginxParsed, text: string, change: TextChange, files: WorkspaceFiles): NginxUpdate | undefined {
  const tree = previous.tree;
  // A block left open anywhere changes how the whole file reads (and which block is blamed for it).
  if (tree.directives.some((d) => d.block && !d.block.closed)) return undefined;
  const old = serverBlockHolding(tree, change);
  if (!old) return undefined;
  // Errors inside the block are re-read with it and those outside it stay; none may straddle it,
  // and no quote left open before it (a quote typed in the block would close that one).
  if (tree.errors.some((e) => (e.start < old.end && e.end > old.start && !(e.start >= old.start && e.end <= old.end)) || (e.unterminated && e.start < old.start))) return undefined;
  const delta = change.newEnd - change.oldEnd;
  const fresh = reparseNginxBlock(text, old, delta);
  if (!fresh) return undefined;
  const { start: oldStart, end: oldEnd } = old;
  // The block's directives are one run of the document-ordered list: swap that run.
  const from = previous.directives.indexOf(old);
  const count = documentDirectives({ directives: [old] }).length;
  spliceNginxBlock(tree, old, fresh, delta);
  const directives = previous.directives.slice(0, from);
  for (const d of documentDirectives({ directives: [fresh.directive] })) directives.push(d);
  for (let i = from + count; i < previous.directives.length; i++) directives.push(previous.directives[i]!);
  const parsed = assemble(text, tree, previous.doc.path, previous.doc.key, files, directives);
  return { parsed, block: fresh.directive, oldStart, oldEnd, delta };
}

/** A view of `parsed` whose rules judge only `block` (a server block) and what it holds. */
export function scopeTo(parsed: NginxParsed, block: NginxDirective): NginxParsed {
  const directives = documentDirectives({ directives: [block] });
  const byName = indexByName(directives);
  return { ...parsed, directives, named: (name) => byName.get(name) ?? [], scope: block };
}
