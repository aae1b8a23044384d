/**
 * The editor suite (test/editor/suite/) in VS Code desktop through @vscode/test-electron, for
 * machines that can have VS Code: set VSCODE_EXECUTABLE_PATH to an installed `code` binary, or
 * be online (test-electron downloads VSCODE_VERSION, default 1.100.3, into .vscode-test/).
 * The machines of this project cannot (no internet): there, test/editor/integration.test.ts runs
 * the same bundle in code-server.
 *
 *   node --import tsx test/editor/runTestElectron.ts
 *   VSCODE_EXECUTABLE_PATH=/usr/share/code/code VSCODE_VERSION=1.91.0 node --import tsx test/editor/runTestElectron.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runTests } from '@vscode/test-electron';
import { bundleSuite } from './support/bundle';
import { copySampleWorkspace, ensureBuilt, ROOT, scratchDir, scratchXdg } from './support/env';
import { recordsIn } from './suite/records';

/** Copies a stream to `target` and keeps its complete lines. */
function tee(target: NodeJS.WritableStream, lines: string[]): Writable {
  let partial = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      target.write(chunk);
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      done();
    },
  });
}

async function main(): Promise<number> {
  ensureBuilt();
  const { outfile } = await bundleSuite();
  const scratch = scratchDir('test-electron');
  const workspace = copySampleWorkspace(scratch);
  const lines: string[] = [];
  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  let exitCode = 1;
  try {
    exitCode = await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : { version: process.env.VSCODE_VERSION ?? '1.100.3', cachePath: path.join(ROOT, '.vscode-test') }),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: outfile,
      launchArgs: [
        workspace,
        // Only the extension under test (and VS Code's built-in ones, such as markdown).
        '--disable-extensions',
        `--user-data-dir=${path.join(scratch, 'user-data')}`,
        `--extensions-dir=${path.join(scratch, 'extensions')}`,
      ],
      extensionTestsEnv: { ...scratchXdg(scratch) },
      stdout: tee(process.stdout, lines),
      stderr: tee(process.stderr, lines),
    });
  } catch (err) {
    // runTests rejects (TestRunFailedError) when VS Code exits non-zero or cannot be had.
    console.error(`@vscode/test-electron: ${(err as Error).message}`);
    exitCode = 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const records = recordsIn(lines);
  const start = records.find((r) => r.event === 'start');
  const tests = records.filter((r) => r.event === 'test');
  const failed = tests.filter((r) => r.state === 'failed');
  console.log(
    `test-electron: ${tests.filter((r) => r.state !== 'pending').length} tests ran in VS Code ${start && start.event === 'start' ? start.vscodeVersion : '?'}, ${failed.length} failed`,
  );
  // A run that never started the suite is a failure even if VS Code exited 0.
  if (!start) return 1;
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
