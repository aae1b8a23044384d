#!/usr/bin/env node
/**
 * Runs every test layer and prints one summary:
 *   unit         pure language service, KB, fixtures (no build needed)
 *   lsp          the bundled server spawned over stdio
 *   editor       VS Code (code-server + Chromium) and Neovim, real clients
 *   conformance  real nginx and Apache on 127.0.0.1
 * With CI=true nothing may skip: a missing tool fails its layer. Locally a layer whose
 * tool is missing is skipped and the summary says so loudly.
 * Usage: npm test [-- <layer>...]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ci = process.env.CI === 'true';
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const started = Date.now();

const LAYERS = ['unit', 'lsp', 'editor', 'conformance'];
const wanted = process.argv.slice(2).filter((a) => LAYERS.includes(a));
const layers = wanted.length ? wanted : LAYERS;

function step(title, cmd, args, options = {}) {
  const t0 = Date.now();
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...options });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`=== ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds}s`);
  return r.status === 0;
}

const setupProblems = [];
// System packages (nginx, apache2, chromium, neovim...) and the code-server cache.
const isRoot = process.getuid?.() === 0;
if (layers.some((l) => l === 'editor' || l === 'conformance')) {
  if (isRoot || ci) {
    if (!step('setup: system packages', 'bash', ['scripts/setup-system.sh'])) setupProblems.push('system packages could not be installed');
  } else {
    console.log('\n=== setup: not root, so missing system packages are not installed (run scripts/setup-system.sh as root)');
  }
  if (layers.includes('editor')) {
    if (!step('setup: code-server cache', 'bash', ['scripts/setup-code-server.sh'])) setupProblems.push('code-server could not be installed');
  }
}

const typecheckOk = step('typecheck (tsc -b)', process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
const buildOk = step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);

const summaries = [];
for (const layer of layers) {
  const dir = path.join(root, 'test', layer);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join('test', layer, f)) : [];
  const out = path.join(results, `${layer}.json`);
  fs.rmSync(out, { force: true });
  if (!files.length) {
    summaries.push({ layer, passed: 0, failed: ci ? 1 : 0, skipped: 0, skips: [], failures: [], note: 'no test files' });
    continue;
  }
  if (layer !== 'unit' && !buildOk) {
    summaries.push({ layer, passed: 0, failed: 1, skipped: 0, skips: [], failures: [{ name: 'build failed' }], note: 'build failed' });
    continue;
  }
  const t0 = Date.now();
  step(`layer: ${layer} (${files.length} files)`, process.execPath, [
    '--import', 'tsx',
    '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'test', 'support', 'summary-reporter.mjs')}`, `--test-reporter-destination=${out}`,
    ...files,
  ]);
  let summary;
  try {
    summary = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    summary = { passed: 0, failed: 1, skipped: 0, skips: [], failures: [{ name: 'the test runner crashed before reporting' }] };
  }
  summaries.push({ layer, ...summary, seconds: (Date.now() - t0) / 1000 });
}

// CI may not skip anything: a skipped test there is a failure.
if (ci) for (const s of summaries) if (s.skipped) { s.failed += s.skipped; s.note = `${s.skipped} skipped under CI=true (not allowed)`; }

const total = summaries.reduce((a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
if (!typecheckOk) total.failed++;
if (!buildOk) total.failed++;
total.failed += setupProblems.length;

console.log('\n================ StatusLens test summary ================');
console.log(`typecheck: ${typecheckOk ? 'ok' : 'FAILED'}   build: ${buildOk ? 'ok' : 'FAILED'}${setupProblems.length ? `   setup: ${setupProblems.join('; ')}` : ''}`);
console.log('layer        passed  failed  skipped  seconds');
for (const s of summaries) {
  console.log(`${s.layer.padEnd(12)} ${String(s.passed).padStart(6)}  ${String(s.failed).padStart(6)}  ${String(s.skipped).padStart(7)}  ${String(Math.round(s.seconds ?? 0)).padStart(7)}${s.note ? `   (${s.note})` : ''}`);
}
const skipped = summaries.flatMap((s) => s.skips.map((k) => `${s.layer}: ${k.name}: ${k.reason}`));
if (skipped.length) {
  console.log('\n!!!!!!!!!!!!!!!! SKIPPED TESTS: these layers did NOT really run !!!!!!!!!!!!!!!!');
  for (const line of [...new Set(skipped)]) console.log(`  - ${line}`);
  console.log('!!!!!!!!!!!!!!!! install the missing tools (scripts/setup-system.sh) to run them');
}
const failures = summaries.flatMap((s) => s.failures.map((f) => `${s.layer}: ${f.name}${f.file ? ` (${path.relative(root, f.file)})` : ''}${f.error ? `: ${f.error.split('\n')[0]}` : ''}`));
if (failures.length) {
  console.log('\nFailures:');
  for (const line of failures.slice(0, 50)) console.log(`  - ${line}`);
}
console.log(`\nwall time: ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed ? 1 : 0);
