/**
 * Loads a CommonJS bundle through a V8 code cache, so that a warm start neither parses nor
 * compiles it again.
 *
 * Node 22.1+ has this built in (`module.enableCompileCache()`, which the launcher uses there). On
 * Node 20 this does what `v8-compile-cache` did, with the care V8's trust in cached data calls for
 * (in release builds V8 does not checksum it: damaged data can crash the process):
 *   - the cache is `$XDG_CACHE_HOME/statuslens/compile-cache`, else a per-user folder in the
 *     temporary directory; a folder that is not a real directory of this user's, closed to group
 *     and others, is never read or written;
 *   - an entry is one file per bundle path, command flavour, Node version, architecture and Node
 *     options; its header names the bundle (path, size, mtime and the CRC-32 of its text, since npm
 *     installs every release with the same mtime) and the length and CRC-32 of the V8 data. Any
 *     mismatch is a miss and never reaches V8. V8 itself refuses data of another V8 version or
 *     other V8 flags ("rejected"); such an entry is rewritten;
 *   - an entry is written to a temporary file and renamed into place: no reader sees half of one;
 *   - a failure while reading or compiling falls back to a plain `require`, and a failure while
 *     writing is ignored: the cache can only make start-up faster.
 * The bundle runs as a CommonJS module (same `exports`, `require`, `module`, `__filename`,
 * `__dirname`, line and column numbers), but compiled by `vm.Script`, which cannot `import()`
 * without an experimental flag: the bundle must have no dynamic import (scripts/build.mjs lowers
 * them to `require`).
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** How a load went: `accepted` is the fast path; `missing`, `rejected` and `invalid` write the cache on `save()`. */
export type CompileCacheState =
  | 'accepted' // V8 used the cached data
  | 'missing' // no entry yet
  | 'rejected' // V8 refused the entry (another V8 version or other V8 flags)
  | 'invalid' // the entry does not match the bundle, or its data is damaged
  | 'off' // disabled or unsupported here (plain require)
  | 'unsafe-dir' // the cache folder cannot be made or is not private to this user (plain require)
  | 'error'; // compiling through the cache failed (plain require)

export interface CompileCacheOptions {
  /** The cache folder; default `defaultCacheDir()`. */
  dir?: string;
  /** Kept apart per flavour (say, the subcommand), since an entry holds what its first run compiled. */
  flavor?: string;
  env?: NodeJS.ProcessEnv;
}

export interface CompileCacheLoad {
  exports: unknown;
  state: CompileCacheState;
  /** The entry's file, when the cache folder is usable. */
  file?: string;
  /**
   * Writes the entry from everything compiled so far, if this load found none usable (call it when
   * the work is done, so the entry holds the functions the command ran). Returns whether it wrote.
   */
  save(): boolean;
}

const FORMAT = 1;
const HEADER_MAX = 4096;

type Crc32 = (data: string | Uint8Array) => number;
let crc32Fn: Crc32 | null | undefined;
/** `zlib.crc32` (Node 20.15+, 22.2+): native, ~0.2 ms for a megabyte. */
function crc32(): Crc32 | null {
  if (crc32Fn === undefined) {
    try {
      // Loaded only here: the launcher's start-up does not pay for zlib when the cache is off.
      const fn = (require('node:zlib') as { crc32?: Crc32 }).crc32;
      crc32Fn = typeof fn === 'function' ? fn : null;
    } catch {
      crc32Fn = null;
    }
  }
  return crc32Fn;
}

function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'statuslens', 'compile-cache');
  const uid = process.getuid?.();
  return path.join(os.tmpdir(), uid === undefined ? 'statuslens-compile-cache' : `statuslens-compile-cache-${uid}`);
}

/** Why the cache is not used in this process, if it is not: plain `require` keeps Node's own behaviour. */
function cacheDisabledReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return 'NODE_DISABLE_COMPILE_CACHE is set';
  // Node applies source maps and collects coverage only for code its own loader compiles.
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) return 'source maps are enabled';
  if (env.NODE_V8_COVERAGE) return 'NODE_V8_COVERAGE is set';
  // A policy's integrity checks and the permission model apply to the loader, not to vm.Script.
  if ((process as { permission?: unknown }).permission) return 'the permission model is on';
  if ([...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--experimental-policy'))) return 'a policy is in use';
  if (!crc32()) return 'zlib.crc32 is missing (Node older than 20.15)';
  return undefined;
}

/** Makes the folder if needed; true only if it is a real directory of this user's that nobody else can write. */
function privateDir(dir: string): boolean {
  try {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(dir);
    } catch {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      st = fs.lstatSync(dir);
    }
    if (!st.isDirectory()) return false;
    const uid = process.getuid?.();
    if (uid === undefined) return true; // Windows: the temporary folder is per user
    return st.uid === uid && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** FNV-1a of a short string (the bundle's path), for the entry's file name. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

interface Header {
  format: number;
  node: string;
  arch: string;
  file: string;
  size: number;
  mtimeMs: number;
  sourceCrc: number;
  dataLength: number;
  dataCrc: number;
}

/** The V8 data of an entry, if its header matches `expected` and the data its CRC; undefined otherwise. */
function readEntry(buffer: Buffer, expected: Omit<Header, 'dataLength' | 'dataCrc'>, crc: Crc32): Buffer | undefined {
  const nl = buffer.subarray(0, HEADER_MAX).indexOf(10);
  if (nl < 0) return undefined;
  let header: Partial<Header>;
  try {
    header = JSON.parse(buffer.toString('utf8', 0, nl)) as Partial<Header>;
  } catch {
    return undefined;
  }
  for (const [key, value] of Object.entries(expected)) if (header[key as keyof Header] !== value) return undefined;
  const data = buffer.subarray(nl + 1);
  if (header.dataLength !== data.length || header.dataCrc !== crc(data)) return undefined;
  return data;
}

/** `Module.wrap`, but with the code on a line of its own, so its line and column numbers stay exact (lineOffset -1). */
const WRAP_START = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAP_END = '\n})';

/** Runs `file` as a CommonJS module compiled by `script`; its own errors propagate. */
function runModule(file: string, script: vm.Script): unknown {
  const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
  const mod = new Module(file, module);
  mod.filename = file;
  const requireFn = Module.createRequire(file);
  require.cache[file] = mod;
  try {
    fn.call(mod.exports, mod.exports, requireFn, mod, file, path.dirname(file));
  } catch (err) {
    delete require.cache[file];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}

const plain = (file: string, state: CompileCacheState, entry?: string): CompileCacheLoad => ({
  exports: require(file) as unknown,
  state,
  ...(entry ? { file: entry } : {}),
  save: () => false,
});

/** Entries not written for this long are deleted when another is written (an entry is rewritten the next time it is needed). */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Old Node versions, moved installs and other flags each leave an entry that nothing reads again:
 * on every write, entries older than `STALE_MS` and temporary files older than a day go.
 */
function pruneStale(dir: string, keep: string): void {
  const now = Date.now();
  try {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const maxAge = name.endsWith('.cache') ? STALE_MS : name.endsWith('.tmp') ? 24 * 60 * 60 * 1000 : undefined;
      if (maxAge === undefined || file === keep) continue;
      try {
        if (now - fs.statSync(file).mtimeMs > maxAge) fs.rmSync(file, { force: true });
      } catch {
        // Gone already, or not ours to delete: leave it.
      }
    }
  } catch {
    // An unreadable folder: nothing to prune.
  }
}

/** Loads the CommonJS file `file` (an absolute path) through the code cache. See the file comment. */
export function loadWithCompileCache(file: string, options: CompileCacheOptions = {}): CompileCacheLoad {
  const env = options.env ?? process.env;
  if (cacheDisabledReason(env)) return plain(file, 'off');
  const crc = crc32()!;
  const dir = options.dir ?? defaultCacheDir(env);
  if (!privateDir(dir)) return plain(file, 'unsafe-dir');
  const flavor = (options.flavor ?? 'default').replace(/[^\w-]/g, '_');
  // V8 refuses data made under other V8 flags, so runs with other flags keep their own entry.
  const key = shortHash(`${file}\0${process.execArgv.join(' ')}\0${env.NODE_OPTIONS ?? ''}`);
  const entry = path.join(dir, `${path.basename(file, '.js')}-${flavor}-${process.version}-${process.arch}-${key}.cache`);

  let script: vm.Script;
  let state: CompileCacheState;
  let expected: Omit<Header, 'dataLength' | 'dataCrc'>;
  try {
    const source = fs.readFileSync(file, 'utf8');
    const stat = fs.statSync(file);
    expected = { format: FORMAT, node: process.version, arch: process.arch, file, size: stat.size, mtimeMs: stat.mtimeMs, sourceCrc: crc(source) };
    let cached: Buffer | undefined;
    try {
      cached = fs.readFileSync(entry);
    } catch {
      cached = undefined;
    }
    const data = cached && readEntry(cached, expected, crc);
    script = new vm.Script(WRAP_START + source + WRAP_END, {
      filename: file,
      lineOffset: -1,
      ...(data ? { cachedData: data } : {}),
    });
    state = !cached ? 'missing' : !data ? 'invalid' : script.cachedDataRejected ? 'rejected' : 'accepted';
  } catch {
    // Unreadable file, syntax error…: Node's own loader gives the real error, or the module.
    return plain(file, 'error', entry);
  }

  const exports = runModule(file, script);
  let saved = false;
  return {
    exports,
    state,
    file: entry,
    save() {
      if (state === 'accepted' || saved) return false;
      saved = true;
      let tmp: string | undefined;
      try {
        const data = script.createCachedData();
        if (!data.length) return false;
        const header: Header = { ...expected, dataLength: data.length, dataCrc: crc(data) };
        tmp = `${entry}.${process.pid}-${Date.now().toString(36)}.tmp`;
        fs.writeFileSync(tmp, Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), data]), { mode: 0o600, flag: 'wx' });
        fs.renameSync(tmp, entry);
        pruneStale(dir, entry);
        return true;
      } catch {
        try {
          if (tmp) fs.rmSync(tmp, { force: true });
        } catch {
          // Nothing more to do: a stray temporary file is harmless.
        }
        return false;
      }
    },
  };
}
