/**
 * `Include` / `IncludeOptional` for a workspace that holds a copy of a server's configuration.
 * Apache resolves a relative path against ServerRoot; a workspace rarely sits at that path, so
 * we try the places it most likely maps to: the file's folder and its ancestors (Debian's
 * apache2.conf sits in ServerRoot; RHEL's conf/httpd.conf one level below it), and for absolute
 * paths the same folders plus the part of the path that the file's own path shares.
 */
import * as path from 'node:path';
import { parseApache, walkApache, type ApacheDirective, type ApacheFile } from '../parsers/apache';
import type { WorkspaceFiles } from '../workspace';
import { createParseCache } from './parseCache';

export interface ResolvedInclude {
  directive: ApacheDirective;
  pattern: string;
  optional: boolean;
  /** Matched files, sorted as Apache reads them. Empty when nothing in the workspace matched. */
  files: string[];
}

export interface IncludedFile {
  path: string;
  file: ApacheFile;
}

export interface IncludeClosure {
  /** The `Include` directives of the root file, resolved. */
  includes: ResolvedInclude[];
  /** Every file reached through includes (not the root itself), each once. */
  files: IncludedFile[];
  /** Include directives anywhere in the closure that matched nothing in the workspace. */
  unresolved: number;
}

const MAX_FILES = 256;
const MAX_DEPTH = 8;
const MAX_ANCESTORS = 5;
const MAX_TEXT = 4 << 20;

/** Parsed other files, reused while their text is unchanged. */
const otherFiles = createParseCache(parseApache);

/** Empties the cache of other files' parses (a document closed: they are parsed again when needed). */
export function clearParseCache(): void {
  otherFiles.clear();
}

export function parseOtherFile(files: WorkspaceFiles, file: string): ApacheFile | undefined {
  const text = files.read(file);
  if (text === undefined || text.length > MAX_TEXT) return undefined;
  return otherFiles.get(file, text);
}

/**
 * `files` reading each file at most once. One analysis reads the same file up to three times
 * otherwise: an include target to see it exists, to parse it, and (a .htaccess's governing config)
 * to quote its lines; and the candidate configs of a .htaccess include the same files.
 */
export function readOnce(files: WorkspaceFiles): WorkspaceFiles {
  const texts = new Map<string, string | undefined>();
  return {
    read(file) {
      if (!texts.has(file)) texts.set(file, files.read(file));
      return texts.get(file);
    },
    glob: (pattern) => files.glob(pattern),
    roots: () => files.roots(),
    ...(files.realpath ? { realpath: (file: string) => files.realpath!(file) } : {}),
  };
}

const hasWildcard = (p: string) => /[*?[]/.test(p);
const toGlob = (p: string) => p.split(path.sep).join('/');

/** Files matching `candidate` (a file, a folder whose files Apache reads, or a wildcard pattern). */
function matchOne(files: WorkspaceFiles, candidate: string): string[] {
  if (hasWildcard(candidate)) return files.glob(toGlob(candidate));
  if (files.read(candidate) !== undefined) return [candidate];
  // A folder: Apache reads every file in it, in order.
  return files.glob(toGlob(path.join(candidate, '*')));
}

/** Ancestors of `dir` (itself first), at most `max`, never the filesystem root. */
export function ancestorsOf(dir: string, max: number, stopAt: string[] = []): string[] {
  const out: string[] = [];
  let d = dir;
  for (let i = 0; i < max; i++) {
    const parent = path.dirname(d);
    if (parent === d) break; // `d` is the root: never search the machine's own /etc from here
    out.push(d);
    if (stopAt.includes(d)) break;
    d = parent;
  }
  return out;
}

/** Where a pattern from `fromFile` may point in this workspace, most likely first. */
function includeCandidates(pattern: string, fromFile: string, serverRoot: string | undefined, roots: string[]): string[] {
  const dir = path.dirname(fromFile);
  const bases = ancestorsOf(dir, MAX_ANCESTORS, roots);
  const out: string[] = [];
  if (!path.isAbsolute(pattern)) {
    // ServerRoot copied into the workspace: the ancestor whose path ends with it comes first.
    if (serverRoot && path.isAbsolute(serverRoot)) {
      const tail = serverRoot.replace(/[\\/]+$/, '');
      for (const b of bases) if (tail && (b === tail || b.endsWith(tail) || b.endsWith(path.basename(tail)))) out.push(path.join(b, pattern));
    }
    for (const b of bases) out.push(path.join(b, pattern));
    return [...new Set(out)];
  }
  // Absolute: map the part the file's own path shares (/ws/etc/apache2/x.conf + /etc/apache2/conf.d/*.conf).
  const parts = pattern.split(/[\\/]+/).filter(Boolean);
  const fileParts = dir.split(/[\\/]+/).filter(Boolean);
  for (let k = parts.length - 1; k >= 1; k--) {
    const prefix = parts.slice(0, k);
    for (let i = fileParts.length - prefix.length; i >= 0; i--) {
      if (prefix.every((p, j) => fileParts[i + j] === p)) {
        out.push(path.join(path.sep, ...fileParts.slice(0, i), ...parts));
        break;
      }
    }
  }
  for (const b of bases) out.push(path.join(b, ...parts));
  // As written, only when the file itself lives there (editing the real /etc/apache2).
  if (parts.length >= 2 && dir.startsWith(path.join(path.sep, parts[0]!, parts[1]!))) out.push(pattern);
  return [...new Set(out)];
}

function resolveInclude(files: WorkspaceFiles, pattern: string, fromFile: string, serverRoot: string | undefined): string[] {
  for (const candidate of includeCandidates(pattern, fromFile, serverRoot, files.roots())) {
    const hits = matchOne(files, candidate).filter((f) => f !== fromFile);
    if (hits.length) return hits.slice(0, MAX_FILES);
  }
  return [];
}

function serverRootOf(file: ApacheFile): string | undefined {
  for (const d of walkApache(file.directives)) if (d.lname === 'serverroot' && d.args[0]) return d.args[0].value;
  return undefined;
}

/** The files a config pulls in, breadth-first, bounded, each file once. */
export function includeClosure(files: WorkspaceFiles, rootPath: string, root: ApacheFile): IncludeClosure {
  const seen = new Set<string>([rootPath]);
  const out: IncludedFile[] = [];
  const includes: ResolvedInclude[] = [];
  let unresolved = 0;
  let queue: { path: string; file: ApacheFile }[] = [{ path: rootPath, file: root }];
  const serverRoot = serverRootOf(root);
  for (let depth = 0; depth < MAX_DEPTH && queue.length && out.length < MAX_FILES; depth++) {
    const next: typeof queue = [];
    for (const current of queue) {
      for (const d of walkApache(current.file.directives)) {
        if (d.lname !== 'include' && d.lname !== 'includeoptional') continue;
        const pattern = d.args[0]?.value;
        if (!pattern) continue;
        const matched = resolveInclude(files, pattern, current.path, serverRoot);
        if (current.path === rootPath) includes.push({ directive: d, pattern, optional: d.lname === 'includeoptional', files: matched });
        if (!matched.length) unresolved++;
        for (const f of matched) {
          if (seen.has(f) || out.length >= MAX_FILES) continue;
          seen.add(f);
          const parsed = parseOtherFile(files, f);
          if (!parsed) continue;
          out.push({ path: f, file: parsed });
          next.push({ path: f, file: parsed });
        }
      }
    }
    queue = next;
  }
  return { includes, files: out, unresolved };
}
