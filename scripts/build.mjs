#!/usr/bin/env node
// Builds everything that runs: the knowledge-base index, then the client, server and CLI bundles.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const production = process.argv.includes('--production');
fs.mkdirSync(dist, { recursive: true });

const kb = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'build-kb.ts')], { cwd: root, stdio: 'inherit' });
if (kb.status !== 0) process.exit(kb.status ?? 1);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Keep `__dirname` meaning dist/ at run time.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

/** cli.ts loads `./cli/explain` (marked-terminal, highlight.js: 1.5 MB) for `explain` only: a bundle of its own. */
const explainApart = {
  name: 'cli-explain-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/cli\/explain$/ }, (args) =>
      args.importer === path.join(root, 'server/src/cli.ts') ? { path: './cli-explain.js', external: true } : undefined,
    );
  },
};

/**
 * web-tree-sitter's CommonJS build for the CLI core: its ES build calls `import('module')` in a
 * function that also declares `var require`, which breaks once import() is lowered to require().
 */
const treeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: createRequire(import.meta.url).resolve('web-tree-sitter') }));
  },
};

const entries = [
  { in: 'client/src/extension.ts', out: 'client.js', external: ['vscode'] },
  { in: 'server/src/server.ts', out: 'server.js', external: [] },
  // The CLI is three bundles: dist/cli.js, a small launcher that loads dist/cli-core.js (the CLI)
  // through a V8 code cache (server/src/cli/compileCache.ts), and dist/cli-explain.js. The cache
  // compiles with vm.Script, which cannot import(): the core's dynamic imports become require().
  { in: 'server/src/cli/launcher.ts', out: 'cli.js', external: [] },
  { in: 'server/src/cli.ts', out: 'cli-core.js', external: [], plugins: [explainApart, treeSitterCjs], supported: { 'dynamic-import': false } },
  { in: 'server/src/cli/explain.ts', out: 'cli-explain.js', external: [] },
];

await Promise.all(
  entries.map((e) =>
    build({
      ...common,
      entryPoints: [path.join(root, e.in)],
      outfile: path.join(dist, e.out),
      external: e.external,
      ...(e.plugins ? { plugins: e.plugins } : {}),
      ...(e.supported ? { supported: e.supported } : {}),
    }),
  ),
);

// Tree-sitter runtime and grammars, loaded lazily by the route-file parser. The list (paths under
// node_modules) is scripts/tree-sitter-wasm.json, which test/unit/routes-bundle.test.ts copies too.
const grammars = path.join(dist, 'grammars');
fs.mkdirSync(grammars, { recursive: true });
const wasm = JSON.parse(fs.readFileSync(path.join(root, 'scripts', 'tree-sitter-wasm.json'), 'utf8'));
for (const w of wasm) fs.copyFileSync(path.join(root, 'node_modules', w), path.join(grammars, path.basename(w)));
console.log(`bundles: ${entries.map((e) => e.out).join(', ')}; grammars: ${wasm.length}`);
