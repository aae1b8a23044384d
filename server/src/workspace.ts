/**
 * How the pure service sees files other than the document at hand (include targets,
 * the server config that governs a .htaccess). Injected, so tests run in memory and the
 * server can prefer open editor buffers over disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globSync } from 'tinyglobby';

export interface WorkspaceFiles {
  /** The text of a file (an open buffer wins over disk); undefined when it cannot be read. */
  read(file: string): string | undefined;
  /**
   * Absolute paths matching an absolute pattern, sorted; empty when nothing matches. Patterns are
   * fnmatch-style, as nginx (glob(3)) and Apache read them: `*`, `?` and `[...]` only; braces,
   * parentheses and `**` are plain characters.
   */
  glob(pattern: string): string[];
  /** The workspace folders, absolute. */
  roots(): string[];
  /**
   * The canonical path of a file (symlinks resolved), when the workspace can tell. Optional:
   * nginx analysis uses it to see that `sites-enabled/x` is `sites-available/x`.
   */
  realpath?(file: string): string;
}

/** Files from disk, with `overlay` (e.g. open documents) taking precedence. */
export function diskWorkspace(roots: () => string[] = () => [], overlay: (file: string) => string | undefined = () => undefined): WorkspaceFiles {
  return {
    read(file) {
      const open = overlay(file);
      if (open !== undefined) return open;
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    glob(pattern) {
      const split = splitFnmatch(pattern.split(path.sep).join('/'));
      if (!split) return fs.existsSync(pattern) ? [pattern] : [];
      try {
        // The walk starts at the literal folders and goes no deeper than the pattern: never the whole disk.
        return globSync(split.rest, { cwd: split.base, absolute: true, dot: true, onlyFiles: true, deep: split.depth }).sort();
      } catch {
        return [];
      }
    },
    roots,
    realpath(file) {
      try {
        return fs.realpathSync.native(file);
      } catch {
        return file;
      }
    },
  };
}

/** An in-memory workspace for tests: paths to texts. */
export function memoryWorkspace(files: Record<string, string>, roots: string[] = []): WorkspaceFiles {
  const re = (pattern: string) => new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*') + '$');
  return {
    read: (file) => files[file],
    glob: (pattern) => Object.keys(files).filter((f) => re(pattern).test(f)).sort(),
    roots: () => roots,
  };
}

/** Whether an fnmatch segment holds a wildcard: an unescaped `*` or `?`, or a `[...]` class closed in the segment. */
function isWild(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && classEnd(segment, i) > 0) return true;
  }
  return false;
}

/** The index of the `]` closing a class opened at `i` (`[]a]` and `[!]a]` hold `]`), or -1. */
function classEnd(segment: string, i: number): number {
  const first = segment[i + 1] === '!' || segment[i + 1] === '^' ? i + 2 : i + 1;
  return segment.indexOf(']', first + 1);
}

/**
 * An fnmatch-style pattern (`/`-separated, as nginx's glob(3) and Apache read include paths: `*`,
 * `?` and `[...]` only) split for tinyglobby: the literal folders it starts in (unescaped), the rest
 * as a tinyglobby pattern, and how deep that rest goes. tinyglobby reads more than fnmatch (`{a,b}`,
 * `(a|b)`, `!(…)`, `**`, an unclosed `[`), which must stay plain characters here; and a pattern whose
 * first folder held any of them (`include /conf{a}/x;`, `include /conf[/x;`) made it walk the whole
 * filesystem. Undefined when nothing in the pattern is a wildcard.
 */
export function splitFnmatch(pattern: string): { base: string; rest: string; depth: number } | undefined {
  const segments = pattern.split('/');
  const first = segments.findIndex(isWild);
  if (first < 0) return undefined;
  const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
  let base = first === 0 ? '.' : segments.slice(0, first).map(unescape).join('/') || '/';
  if (/^[A-Za-z]:$/.test(base)) base += '/'; // `C:` alone is the drive's current folder, not its root
  const rest = segments.slice(first).map((segment) => {
    let out = '';
    for (let i = 0; i < segment.length; i++) {
      const c = segment[i]!;
      if (c === '\\' && i + 1 < segment.length) out += '\\' + segment[++i];
      else if (c === '*') {
        // glob(3) has no globstar: `**` is `*`.
        out += '*';
        while (segment[i + 1] === '*') i++;
      } else if (c === '[' && classEnd(segment, i) > 0) {
        const end = classEnd(segment, i);
        out += segment.slice(i, end + 1).replace(/[{}()|+@]/g, (x) => '\\' + x);
        i = end;
      } else if ('[]{}()|+@!'.includes(c)) out += '\\' + c;
      else out += c;
    }
    return out;
  });
  return { base, rest: rest.join('/'), depth: rest.length - 1 };
}
