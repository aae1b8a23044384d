/**
 * code-server on 127.0.0.1 with its state in a scratch folder, in its own process group
 * (`setsid`), stopped with `kill -- -PGID` so the extension host and the language server go too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_BIN, scratchXdg } from './env';

export interface CodeServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  pgid: number;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Settings a test session wants: no autosave, no welcome page, quick hovers, no telemetry. */
export const TEST_SETTINGS = {
  'files.autoSave': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'editor.hover.delay': 200,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
};

export function codeServerEnv(scratch: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...scratchXdg(scratch),
    HOME: path.join(scratch, 'home'),
    // No extension gallery (its default is open-vsx.org, out of reach here and not wanted in tests).
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

/** `code-server --install-extension <vsix>` into `extensionsDir` (1-2 s). */
export function installExtension(scratch: string, vsix: string, userDataDir: string, extensionsDir: string): string {
  fs.mkdirSync(path.join(scratch, 'home'), { recursive: true });
  const r = spawnSync(CODE_SERVER_BIN, ['--install-extension', vsix, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir], {
    env: codeServerEnv(scratch),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Starts code-server on a port the kernel picks (`127.0.0.1:0`, read back from its log), so
 * parallel runs never race for a port. `scratch` holds user data, extensions, XDG and TMPDIR.
 */
export async function startCodeServer(opts: {
  scratch: string;
  workspace: string;
  env?: Record<string, string>;
  /** Created fresh unless given (the UI test installs the .vsix into it first). */
  userDataDir?: string;
  extensionsDir?: string;
  /** User settings on top of TEST_SETTINGS (written before start, so the extension starts with them). */
  settings?: Record<string, unknown>;
}): Promise<CodeServer> {
  const userDataDir = opts.userDataDir ?? path.join(opts.scratch, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(opts.scratch, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(path.join(opts.scratch, 'home'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...TEST_SETTINGS, ...opts.settings }, null, 2));

  const args = [
    CODE_SERVER_BIN,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    opts.workspace,
  ];
  // node spawns `setsid` in our own process group, so setsid(1) does not fork: it makes itself
  // a session and group leader and execs code-server, whose pid is then the group id.
  const child = spawn('setsid', args, { env: codeServerEnv(opts.scratch, opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (!pid) throw new Error('could not spawn setsid code-server');
  const pgid = pid;

  // If this process ends without reaching stop() (an uncaught error, Ctrl+C, the test runner's
  // SIGTERM on a timeout), the group must not outlive it: kill it synchronously on the way out.
  const killNow = () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killNow();
    forget();
    process.kill(process.pid, signal); // the default action, now that our handler is gone
  };
  const forget = () => {
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('exit', killNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stop = async () => {
    try {
      await killGroup(pgid, exited, child);
    } finally {
      forget();
    }
  };
  try {
    const port = await waitFor(() => Number(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]) || undefined, 30_000, () => {
      if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    });
    const actualPgid = processGroupOf(pid);
    if (actualPgid !== pgid) throw new Error(`code-server is not its own process group leader (pid ${pid}, pgid ${actualPgid})`);
    return { origin: `http://127.0.0.1:${port}`, port, pgid, userDataDir, extensionsDir, log: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** SIGTERM to the group, SIGKILL after 5 s, then make sure nothing of the group is left. */
async function killGroup(pgid: number, exited: Promise<void>, child: ChildProcess): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  signal('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)]);
  if (timedOut && child.exitCode === null) signal('SIGKILL');
  // Children that ignored SIGTERM (extension host, language server) must not outlive the test.
  const deadline = Date.now() + 5_000;
  while (membersOf(pgid).length && Date.now() < deadline) await sleep(100);
  if (membersOf(pgid).length) signal('SIGKILL');
  await sleep(100);
  const left = membersOf(pgid);
  if (left.length) throw new Error(`processes of group ${pgid} survived SIGKILL: ${left.join(', ')}`);
}

function processGroupOf(pid: number): number | undefined {
  try {
    // /proc/PID/stat: "pid (comm) state ppid pgrp ..." — comm may contain spaces, so split after ")".
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) processes in group `pgid`. */
export function membersOf(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value; `check` may throw to give up early. */
export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, check?: () => void): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    check?.();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(100);
  }
}
