/**
 * The CLI's start-up: the compile cache (server/src/cli/compileCache.ts) is used when it is valid,
 * and a damaged, foreign or unwritable one is ignored, never fatal. Each load runs in a child
 * process: what V8 does with cached data is only visible in a fresh isolate. The last test drives
 * the built CLI (dist/cli.js, run `npm run build` first) warm, cold, damaged and with the cache off.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { ROOT } from '../support/service';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-cli-startup-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Children see only what the tests give them: no inherited cache switches.
const baseEnv: NodeJS.ProcessEnv = { ...process.env };
for (const k of ['NODE_DISABLE_COMPILE_CACHE', 'NODE_COMPILE_CACHE', 'NODE_V8_COVERAGE', 'NODE_OPTIONS', 'XDG_CACHE_HOME']) delete baseEnv[k];

// The loader as plain JavaScript, and a driver that loads a fixture module through it.
const loaderJs = path.join(tmp, 'compileCache.js');
buildSync({ entryPoints: [path.join(ROOT, 'server', 'src', 'cli', 'compileCache.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: loaderJs, logLevel: 'silent' });
const driver = path.join(tmp, 'driver.js');
fs.writeFileSync(
  driver,
  `const { loadWithCompileCache } = require(${JSON.stringify(loaderJs)});
const [file, dir] = process.argv.slice(2);
const load = loadWithCompileCache(file, { dir, flavor: 'test' });
const value = load.exports.value();
const saved = load.save();
process.stdout.write(JSON.stringify({ state: load.state, saved, entry: load.file, value }));
`,
);

/** A module that reports what it sees; `new Error` is on line 3, column 15. */
const FIXTURE = `'use strict';
exports.value = () => {
  const err = new Error('where');
  const at = /:(\\d+):(\\d+)\\)?$/.exec(err.stack.split('\\n')[1]);
  return { answer: 6 * 7, filename: __filename, dirname: __dirname, self: module.exports === exports, dep: require('./dep.js'), at: at[1] + ':' + at[2] };
};
`;

function fixture(name: string, source = FIXTURE): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'dep.js'), 'module.exports = "dep";\n');
  const file = path.join(dir, 'mod.js');
  fs.writeFileSync(file, source);
  return file;
}

interface Loaded {
  state: string;
  saved: boolean;
  entry?: string;
  value: { answer: number; filename: string; dirname: string; self: boolean; dep: string; at: string };
}

function load(file: string, dir: string, options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Loaded {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), driver, file, dir], { encoding: 'utf8', env: { ...baseEnv, ...options.env } });
  assert.equal(r.status, 0, `the load failed (exit ${r.status}, signal ${r.signal}): ${r.stderr}`);
  assert.equal(r.stderr, '');
  const loaded = JSON.parse(r.stdout) as Loaded;
  // Whatever happened to the cache, the module ran as CommonJS, with its own line numbers.
  assert.deepEqual(loaded.value, { answer: 42, filename: file, dirname: path.dirname(file), self: true, dep: 'dep', at: '3:15' });
  return loaded;
}

const mtime = (file: string) => fs.statSync(file).mtimeMs;

describe('compile cache', () => {
  it('writes an entry on the first run and uses it, unchanged, on the next', () => {
    const file = fixture('fresh');
    const dir = path.join(tmp, 'cache-fresh');
    const first = load(file, dir);
    assert.equal(first.state, 'missing');
    assert.equal(first.saved, true);
    assert.ok(first.entry && fs.existsSync(first.entry));
    if (process.platform !== 'win32') assert.equal(fs.statSync(dir).mode & 0o777, 0o700, 'the folder is private');
    const before = mtime(first.entry);
    const second = load(file, dir);
    assert.equal(second.state, 'accepted');
    assert.equal(second.saved, false);
    assert.equal(mtime(first.entry), before, 'an accepted entry is not rewritten');
    assert.deepEqual(fs.readdirSync(dir), [path.basename(first.entry)], 'no temporary files left behind');
  });

  it('deletes entries and temporary files nothing wrote for long when it writes one', () => {
    const file = fixture('prune');
    const dir = path.join(tmp, 'cache-prune');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const stale = path.join(dir, 'mod-test-v18.0.0-x64-0000.cache');
    const strayTmp = path.join(dir, 'mod-test-v20.0.0-x64-0000.cache.123-abc.tmp');
    const recent = path.join(dir, 'mod-test-v22.0.0-x64-0000.cache');
    const notOurs = path.join(dir, 'notes.txt');
    for (const f of [stale, strayTmp, recent, notOurs]) fs.writeFileSync(f, 'x');
    for (const f of [stale, strayTmp, notOurs]) fs.utimesSync(f, old, old);
    const first = load(file, dir);
    assert.equal(first.saved, true);
    assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(first.entry!), path.basename(recent), 'notes.txt'].sort());
  });

  it('ignores a damaged or foreign entry (never handed to V8, never fatal) and rewrites it', () => {
    const file = fixture('damaged');
    const dir = path.join(tmp, 'cache-damaged');
    const { entry } = load(file, dir);
    const good = fs.readFileSync(entry!);
    const mid = good.indexOf(10) + Math.floor((good.length - good.indexOf(10)) / 2);
    const damaged: Record<string, Buffer> = {
      // In release builds V8 does not checksum cached data: this one would crash it.
      'bytes changed in the V8 data': Buffer.concat([good.subarray(0, mid), Buffer.from([0xff, 0x00, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56]), good.subarray(mid + 8)]),
      truncated: good.subarray(0, mid),
      empty: Buffer.alloc(0),
      'header only': good.subarray(0, good.indexOf(10) + 1),
      'not an entry': Buffer.from('garbage\n'.repeat(100)),
      'another bundle': Buffer.from(good.toString('latin1').replace(/"sourceCrc":\d+/, '"sourceCrc":1'), 'latin1'),
    };
    for (const [what, bytes] of Object.entries(damaged)) {
      fs.writeFileSync(entry!, bytes);
      const r = load(file, dir);
      assert.equal(r.state, 'invalid', what);
      assert.equal(r.saved, true, what);
      assert.equal(load(file, dir).state, 'accepted', `${what}: rewritten`);
    }
  });

  it('does not take the entry of another text of the same size and mtime (as npm installs every release)', () => {
    const file = fixture('same-size', FIXTURE.replace('6 * 7', '7 * 6'));
    const dir = path.join(tmp, 'cache-same-size');
    const stamp = new Date('1985-10-26T08:15:00Z');
    fs.utimesSync(file, stamp, stamp);
    assert.equal(load(file, dir).state, 'missing');
    fs.writeFileSync(file, FIXTURE);
    fs.utimesSync(file, stamp, stamp);
    assert.equal(load(file, dir).state, 'invalid');
    assert.equal(load(file, dir).state, 'accepted');
  });

  it('rewrites an entry V8 refuses (made under other V8 flags)', () => {
    const file = fixture('flags');
    const dir = path.join(tmp, 'cache-flags');
    const plain = load(file, dir);
    const flags = ['--max-old-space-size=200'];
    const flagged = load(file, dir, { nodeArgs: flags });
    assert.equal(flagged.state, 'missing', 'runs with other flags keep their own entry');
    assert.notEqual(flagged.entry, plain.entry);
    fs.copyFileSync(plain.entry!, flagged.entry!);
    const refused = load(file, dir, { nodeArgs: flags });
    assert.equal(refused.state, 'rejected');
    assert.equal(refused.saved, true);
    assert.equal(load(file, dir, { nodeArgs: flags }).state, 'accepted');
    assert.equal(load(file, dir).state, 'accepted', 'the plain entry is untouched');
  });

  it('loads normally when the folder cannot be used or the entry cannot be written', () => {
    const file = fixture('unusable');
    const aFile = path.join(tmp, 'a-file');
    fs.writeFileSync(aFile, '');
    assert.equal(load(file, aFile).state, 'unsafe-dir', 'the folder is a file');
    assert.equal(load(file, path.join(aFile, 'below')).state, 'unsafe-dir', 'the folder cannot be made');
    if (process.platform !== 'win32') {
      const open = path.join(tmp, 'cache-open');
      fs.mkdirSync(open);
      fs.chmodSync(open, 0o777);
      assert.equal(load(file, open).state, 'unsafe-dir', 'a folder others can write to is not trusted');
      assert.deepEqual(fs.readdirSync(open), []);
    }
    // The entry's path is taken by a folder: nothing can be read or renamed there.
    const dir = path.join(tmp, 'cache-blocked');
    const { entry } = load(file, path.join(tmp, 'cache-probe'));
    fs.mkdirSync(path.join(dir, path.basename(entry!)), { recursive: true });
    const blocked = load(file, dir);
    assert.equal(blocked.state, 'missing');
    assert.equal(blocked.saved, false);
    assert.deepEqual(fs.readdirSync(dir), [path.basename(entry!)], 'no temporary files left behind');
    if (process.platform !== 'win32' && process.getuid?.() !== 0) {
      const readOnly = path.join(tmp, 'cache-read-only');
      fs.mkdirSync(readOnly, { mode: 0o500 });
      const r = load(file, readOnly);
      assert.equal(r.state, 'missing');
      assert.equal(r.saved, false);
    }
  });

  it('is off when disabled, and when Node must compile the code itself (source maps)', () => {
    const file = fixture('off');
    const dir = path.join(tmp, 'cache-off');
    assert.equal(load(file, dir, { env: { NODE_DISABLE_COMPILE_CACHE: '1' } }).state, 'off');
    assert.equal(load(file, dir, { nodeArgs: ['--enable-source-maps'] }).state, 'off');
    assert.equal(fs.existsSync(dir), false, 'nothing written');
  });
});

describe('the built CLI (dist/cli.js)', () => {
  const CLI = path.join(ROOT, 'dist', 'cli.js');
  const CORE = path.join(ROOT, 'dist', 'cli-core.js');
  // Node 22.1+ uses its own cache (module.enableCompileCache) instead of ours.
  const ours = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache !== 'function';

  function cli(args: string[], env: NodeJS.ProcessEnv) {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...baseEnv, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  }

  it('gives the same results with the cache off, cold, warm and damaged', () => {
    assert.ok(fs.existsSync(CORE), `${CORE} is missing: run npm run build`);
    // vm.Script cannot import(): the build lowers every dynamic import of the core to require().
    assert.doesNotMatch(fs.readFileSync(CORE, 'utf8'), /\bimport\(/);

    // An nginx file and route files (the tree-sitter runtime and its grammars load lazily).
    const args = ['check', path.join(ROOT, 'test', 'fixtures', 'cli', 'site', 'nginx.conf'), path.join(ROOT, 'test', 'fixtures', 'routes', '401-without-challenge'), '--format', 'json'];
    const off = cli(args, { NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(off.status, 1, off.stderr);
    assert.equal(off.stderr, '');
    const rules = new Set((JSON.parse(off.stdout) as { ruleId: string }[]).map((f) => f.ruleId));
    assert.deepEqual([...rules].sort(), ['nginx/allow-after-deny-all', 'routes/401-without-challenge']);

    const xdg = path.join(tmp, 'xdg');
    const cacheDir = path.join(xdg, 'statuslens', 'compile-cache');
    const same = (what: string) => {
      const r = cli(args, { XDG_CACHE_HOME: xdg });
      assert.deepEqual(r, off, what);
    };
    same('cold');
    const entries = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []);
    if (ours) assert.deepEqual(entries().map((e) => e.replace(/-v\d.*$/, '')), ['cli-core-check']);
    const entry = path.join(cacheDir, entries()[0] ?? 'none');
    const written = ours ? fs.readFileSync(entry) : undefined;
    same('warm');
    if (ours) {
      assert.ok(fs.readFileSync(entry).equals(written!), 'the entry was used as it is, not rewritten');
      const mid = Math.floor(written!.length / 2);
      const damaged = Buffer.concat([written!.subarray(0, mid), Buffer.alloc(64, 0xa5), written!.subarray(mid + 64)]);
      fs.writeFileSync(entry, damaged);
      same('damaged');
      const rewritten = fs.readFileSync(entry);
      assert.ok(!rewritten.equals(damaged), 'the damaged entry was rewritten');
      same('warm again');
      assert.ok(fs.readFileSync(entry).equals(rewritten), 'and the new entry is used');
    }

    // A cache folder that cannot be used is no error either.
    const notADir = path.join(tmp, 'xdg-file');
    fs.writeFileSync(notADir, '');
    assert.deepEqual(cli(args, { XDG_CACHE_HOME: notADir }), off);

    // The other commands, through their own entries.
    const version = cli(['--version'], { XDG_CACHE_HOME: xdg });
    assert.deepEqual([version.status, version.stdout, version.stderr], [0, '0.1.0\n', '']);
    const explain = cli(['explain', '403'], { XDG_CACHE_HOME: xdg });
    assert.equal(explain.status, 0, explain.stderr);
    assert.match(explain.stdout, /^# 403 Forbidden/);
    if (ours) assert.deepEqual(entries().map((e) => e.replace(/-v\d.*$/, '')).sort(), ['cli-core-check', 'cli-core-explain', 'cli-core-other']);
  });
});
