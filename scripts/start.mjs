#!/usr/bin/env node
/**
 * The main job: package the extension, install it into a local code-server, open the
 * sample workspace on 127.0.0.1 and print the URL. Ctrl+C stops code-server by its PID group.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, '.vscode-test');
const state = path.join(cache, 'start');
const run = (cmd, args, options = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`statuslens start: ${cmd} ${args.join(' ')} failed`);
    process.exit(1);
  }
};

run(process.execPath, [path.join(root, 'scripts', 'package.mjs')]);
run('bash', [path.join(root, 'scripts', 'setup-code-server.sh')]);

const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, `statuslens-${version}.vsix`);
const codeServer = path.join(cache, 'code-server', 'node_modules', '.bin', 'code-server');
const userData = path.join(state, 'user-data');
const extensions = path.join(state, 'extensions');
const scratch = path.join(state, 'tmp');
for (const d of [userData, extensions, scratch, path.join(userData, 'User')]) fs.mkdirSync(d, { recursive: true });
const settings = path.join(userData, 'User', 'settings.json');
if (!fs.existsSync(settings)) {
  fs.writeFileSync(settings, JSON.stringify({ 'files.autoSave': 'off', 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false }, null, 2));
}
const env = { ...process.env, XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch, XDG_CACHE_HOME: scratch, TMPDIR: scratch };
run(codeServer, ['--install-extension', vsix, '--force', '--user-data-dir', userData, '--extensions-dir', extensions], { env });

const port = Number(process.env.PORT) || (await freePort());
const workspace = path.join(root, 'samples', 'workspace');
const child = spawn(
  codeServer,
  ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', userData, '--extensions-dir', extensions, workspace],
  { env, detached: true, stdio: ['ignore', 'ignore', 'inherit'] },
);
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already stopped
  }
};
process.on('SIGINT', () => (stop(), process.exit(0)));
process.on('SIGTERM', () => (stop(), process.exit(0)));
child.on('exit', (code) => process.exit(code ?? 0));

console.log(`\nStatusLens ${version} is installed in code-server.\nOpen  http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}\n(Ctrl+C to stop)`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address();
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}
