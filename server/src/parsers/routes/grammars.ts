/**
 * Lazy loading of the tree-sitter runtime and its WebAssembly grammars.
 *
 * Nothing here runs until the first route file needs a parse: the runtime (~200 KB of wasm)
 * is initialised once, and each grammar is loaded the first time a file of its language
 * qualifies. A grammar that fails to load is logged once and then reported as missing, so
 * that language simply has no findings: never an exception.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export type GrammarId = 'javascript' | 'typescript' | 'tsx' | 'python' | 'php' | 'ruby' | 'go';

/** The wasm file of each grammar, as its npm package ships it (and as the build copies it). */
const GRAMMAR_FILES: Record<GrammarId, { pkg: string; file: string }> = {
  javascript: { pkg: 'tree-sitter-javascript', file: 'tree-sitter-javascript.wasm' },
  typescript: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-typescript.wasm' },
  tsx: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-tsx.wasm' },
  python: { pkg: 'tree-sitter-python', file: 'tree-sitter-python.wasm' },
  php: { pkg: 'tree-sitter-php', file: 'tree-sitter-php.wasm' },
  ruby: { pkg: 'tree-sitter-ruby', file: 'tree-sitter-ruby.wasm' },
  go: { pkg: 'tree-sitter-go', file: 'tree-sitter-go.wasm' },
};

/**
 * Where a wasm file is: next to the bundle first (dist/grammars/, copied by scripts/build.mjs),
 * then in node_modules (tests and scripts run the sources unbundled).
 */
export function locateWasm(pkg: string, file: string): string | undefined {
  const bundled = path.join(__dirname, 'grammars', file);
  if (fs.existsSync(bundled)) return bundled;
  try {
    return require.resolve(`${pkg}/${file}`);
  } catch {
    return undefined;
  }
}

let runtime: Promise<boolean> | undefined;
const languages = new Map<GrammarId, Promise<Language | undefined>>();
const logged = new Set<string>();

function logOnce(key: string, message: string) {
  if (logged.has(key)) return;
  logged.add(key);
  console.error(`statuslens: ${message}`);
}

function initRuntime(): Promise<boolean> {
  runtime ??= (async () => {
    const wasm = locateWasm('web-tree-sitter', 'tree-sitter.wasm');
    if (!wasm) {
      logOnce('runtime', 'tree-sitter.wasm not found; route files are not analysed');
      return false;
    }
    try {
      // The runtime would look for tree-sitter.wasm next to its own script, which is wrong once bundled.
      await Parser.init({ locateFile: () => wasm });
      return true;
    } catch (err) {
      logOnce('runtime', `tree-sitter runtime failed to load (${(err as Error).message}); route files are not analysed`);
      return false;
    }
  })();
  return runtime;
}

/** The grammar, loaded on first use; undefined (logged once) when it cannot be loaded. */
export function loadGrammar(id: GrammarId): Promise<Language | undefined> {
  let pending = languages.get(id);
  if (!pending) {
    const { pkg, file } = GRAMMAR_FILES[id];
    pending = loadGrammarFile(id, locateWasm(pkg, file), file);
    languages.set(id, pending);
  }
  return pending;
}

/** Loads one grammar file; any failure is logged once under `key` and gives undefined. */
export async function loadGrammarFile(key: string, wasm: string | undefined, label = wasm ?? key): Promise<Language | undefined> {
  if (!(await initRuntime())) return undefined;
  if (!wasm) {
    logOnce(key, `grammar ${label} not found; ${key} route files are not analysed`);
    return undefined;
  }
  try {
    return await Language.load(wasm);
  } catch (err) {
    logOnce(key, `grammar ${label} failed to load (${(err as Error).message}); ${key} route files are not analysed`);
    return undefined;
  }
}

/** Whether the runtime has been touched at all (the benchmark checks that plain files never do). */
export function runtimeStarted(): boolean {
  return runtime !== undefined;
}
