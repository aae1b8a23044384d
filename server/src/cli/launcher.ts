/**
 * `dist/cli.js`, what `statuslens` (bin/statuslens.js) and `node dist/cli.js` start: a few lines
 * that load the CLI itself (`dist/cli-core.js`, built from ../cli.ts) through a V8 code cache, so a
 * warm start does not parse and compile the whole bundle again. Node 22.1+ does that itself
 * (`module.enableCompileCache()`); on Node 20 ./compileCache does it. `explain`'s terminal renderer
 * is a third bundle (`dist/cli-explain.js`) that `check` never loads.
 */
import Module from 'node:module';
import * as path from 'node:path';
import type * as Cli from '../cli';
import { loadWithCompileCache } from './compileCache';

const CORE = path.join(__dirname, 'cli-core.js');

let cli: typeof Cli | undefined;

/** The CLI module (run, check, explain, main), loaded once. */
export function loadCli(): typeof Cli {
  if (cli) return cli;
  const enableCompileCache = (Module as { enableCompileCache?: () => unknown }).enableCompileCache;
  if (typeof enableCompileCache === 'function') {
    // Node 22.1+: its own cache (NODE_COMPILE_CACHE, NODE_DISABLE_COMPILE_CACHE) for what loads next.
    try {
      enableCompileCache();
    } catch {
      // Start without it.
    }
    return (cli = require(CORE) as typeof Cli);
  }
  // An entry holds what its first run compiled, so `check` and `explain` keep their own.
  const command = process.argv[2];
  const load = loadWithCompileCache(CORE, { flavor: command === 'check' || command === 'explain' ? command : 'other' });
  if (load.state === 'missing' || load.state === 'rejected' || load.state === 'invalid') {
    // Written when the command is done, with the functions it ran; not after a usage or I/O error,
    // whose run compiled little of what the next one will need.
    process.once('exit', (code) => {
      if (code === 0 || code === 1) load.save();
    });
  }
  return (cli = load.exports as typeof Cli);
}

export function main(): Promise<void> {
  return loadCli().main();
}

export function run(...args: Parameters<typeof Cli.run>): ReturnType<typeof Cli.run> {
  return loadCli().run(...args);
}

if (require.main === module) void main();
