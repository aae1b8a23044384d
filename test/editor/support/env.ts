/**
 * Where the editor tests find their tools, the skip policy when one is missing, scratch folders,
 * and a lock that keeps two editor sessions from running at once on a small machine.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = process.env.STATUSLENS_CODE_SERVER_DIR ?? path.join(ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_BIN = path.join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
export const SAMPLE_WORKSPACE = path.join(ROOT, 'test', 'editor', 'workspace');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const CI = process.env.CI === 'true';

export type Tool = 'chromium' | 'code-server' | 'nvim';

/** Why `tool` cannot be used here, or undefined when it can. */
export function missing(tool: Tool): string | undefined {
  switch (tool) {
    case 'chromium':
      return fs.existsSync(CHROMIUM) ? undefined : `chromium not installed (${CHROMIUM}): run scripts/setup-system.sh`;
    case 'code-server': {
      const stamp = path.join(CODE_SERVER_DIR, '.installed-version');
      const version = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : undefined;
      if (version === CODE_SERVER_VERSION && fs.existsSync(CODE_SERVER_BIN)) return undefined;
      return `code-server ${CODE_SERVER_VERSION} not installed in ${CODE_SERVER_DIR}: run scripts/setup-code-server.sh`;
    }
    case 'nvim': {
      // Even `nvim --version` creates $XDG_CACHE_HOME/nvim/log: point it at a throwaway folder.
      const dir = scratchDir('nvim-probe');
      try {
        const r = spawnSync('nvim', ['--version'], { encoding: 'utf8', env: { ...process.env, ...scratchXdg(dir) } });
        return r.status === 0 && /^NVIM v0\.(?:[7-9]|\d\d)/.test(r.stdout) ? undefined : 'nvim (0.7 or later) not installed: run scripts/setup-system.sh';
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

/**
 * The skip policy for a test that needs `tools`: `{ skip: reason }` for node:test when one is
 * missing locally (the reason is loud, and the orchestrator lists it); with CI=true nothing may
 * skip, so the test runs and `assertTools` fails it with the same reason.
 */
export function toolOptions(...tools: Tool[]): { skip?: string } {
  const reasons = tools.map(missing).filter((r): r is string => !!r);
  if (!reasons.length || CI) return {};
  const reason = `SKIPPED, NOT RUN: ${reasons.join('; ')}`;
  console.log(`\n!!! ${reason}\n`);
  return { skip: reason };
}

/** First line of every editor test: under CI=true a missing tool is a failure, never a skip. */
export function assertTools(...tools: Tool[]): void {
  const reasons = tools.map(missing).filter((r): r is string => !!r);
  if (reasons.length) throw new Error(`${reasons.join('; ')}${CI ? ' (CI=true: editor tests may not be skipped)' : ''}`);
}

/** XDG folders and TMPDIR inside `dir`, so no tool writes into the home folder. */
export function scratchXdg(dir: string): Record<string, string> {
  const env = {
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    XDG_STATE_HOME: path.join(dir, 'xdg-state'),
    TMPDIR: path.join(dir, 'tmp'),
  };
  for (const d of Object.values(env)) fs.mkdirSync(d, { recursive: true });
  return env;
}

/** A fresh scratch folder under the system temp folder; removed by the caller (`fs.rmSync`). */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `statuslens-${prefix}-`));
}

/** Copies the sample workspace into `dir/workspace` and returns its path. */
export function copySampleWorkspace(dir: string): string {
  const target = path.join(dir, 'workspace');
  fs.cpSync(SAMPLE_WORKSPACE, target, { recursive: true });
  return target;
}

/** Newest modification time of the files under `paths` (files, or folders walked recursively), in ms; 0 when none exists. */
export function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

/**
 * Makes sure dist/ holds a build of the current sources: `scripts/build.mjs` when a bundle is
 * missing or older than client/, server/, content/ or package.json (the orchestrator has
 * usually just built, then this costs nothing).
 */
export function ensureBuilt(): void {
  const outputs = ['client.js', 'server.js', 'kb.json'].map((f) => path.join(ROOT, 'dist', f));
  const oldest = Math.min(...outputs.map((f) => fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0));
  const sources = newestMtime(['client/src', 'server/src', 'content', 'package.json'].map((p) => path.join(ROOT, p)));
  if (oldest >= sources) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * One editor session at a time: code-server + Chromium twice in parallel on a 2-CPU machine
 * makes both slow and flaky, and the UI test rebuilds dist/ for its .vsix. `node --test` runs
 * files in parallel when it has CPUs to spare, so the sessions queue on a lock folder.
 * A lock left by a dead process is taken over.
 */
export async function withEditorLock<T>(fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const lock = path.join(ROOT, '.vscode-test', 'editor-session.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')) || 0;
      } catch {
        // Just created (no pid yet) or just released: look again.
      }
      if (holder && !alive(holder)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another editor session (pid ${holder}) holds ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
