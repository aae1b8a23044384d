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
  /** Absolute paths matching an absolute glob pattern, sorted. Empty when nothing matches. */
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
      if (!/[*?[{]/.test(pattern)) return fs.existsSync(pattern) ? [pattern] : [];
      try {
        return globSync(pattern.split(path.sep).join('/'), { absolute: true, dot: true, onlyFiles: true }).sort();
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
