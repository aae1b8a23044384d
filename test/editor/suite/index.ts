/**
 * The `@vscode/test-electron` contract: VS Code loads this module (bundled by
 * test/editor/support/bundle.ts into .vscode-test/build/suite.js) in the extension host with
 * `extensionTestsPath` and awaits `run()`: it resolves when every test passed, rejects otherwise.
 * The same bundle runs in VS Code desktop (test/editor/runTestElectron.ts) and in code-server
 * (test/editor/integration.test.ts).
 *
 * Besides mocha's spec output, each result is logged as one line `[statuslens-suite] {json}`
 * (SUITE_LOG_PREFIX): the extension host forwards its console to the window (code-server: to
 * `codeAutomationLog`), so a runner outside the editor can report every mocha test as its own.
 */
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { SUITE_LOG_PREFIX, type SuiteRecord } from './records';

/** The `*.test.ts` files of this folder, without `.test.ts`; set by the bundler (esbuild `define`). */
declare const STATUSLENS_SUITE_FILES: readonly string[];


export function run(): Promise<void> {
  const record = (r: SuiteRecord) => console.log(`${SUITE_LOG_PREFIX}${JSON.stringify(r)}`);

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // What `mocha.addFile` + `loadFiles` do, for files that are already in this bundle.
  if (typeof STATUSLENS_SUITE_FILES === 'undefined') throw new Error('test/editor/suite/index.ts must run as the bundle built by test/editor/support/bundle.ts');
  for (const name of STATUSLENS_SUITE_FILES) {
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, name, mocha);
    // esbuild bundles every ./*.test.ts for this pattern; the list above says which to load.
    require(`./${name}.test.ts`) as unknown;
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, name, mocha);
  }

  return new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      record({ event: 'end', passed: runner.stats?.passes ?? 0, failed: failures, pending: runner.stats?.pending ?? 0 });
      if (failures > 0) reject(new Error(`${failures} of ${runner.total} StatusLens editor tests failed`));
      else resolve();
    });
    const { EVENT_RUN_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
    runner.once(EVENT_RUN_BEGIN, () =>
      record({ event: 'start', vscodeVersion: vscode.version, appName: vscode.env.appName, uiKind: vscode.UIKind[vscode.env.uiKind], total: runner.total }),
    );
    runner.on(EVENT_TEST_PASS, (t: Mocha.Test) => record({ event: 'test', title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on(EVENT_TEST_PENDING, (t: Mocha.Test) => record({ event: 'test', title: t.fullTitle(), state: 'pending', durationMs: 0 }));
    // Hooks fail through the same event ("before all" hook for …): they count as failed tests.
    runner.on(EVENT_TEST_FAIL, (t: Mocha.Test, err: Error) =>
      record({ event: 'test', title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: err.stack ?? String(err) }),
    );
  });
}
