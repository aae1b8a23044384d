/**
 * The mocha suite of test/editor/suite/ (the @vscode/test-electron contract) run in code-server's
 * extension host, with Debian's Chromium as the window: the payload in the workbench URL plays
 * the part of --extensionDevelopmentPath / --extensionTestsPath. Each mocha test comes back as
 * a node:test subtest.
 *
 *   node --import tsx --test test/editor/integration.test.ts
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { format } from 'node:util';
import { launchBrowser, type Browser } from './support/browser';
import { bundleSuite } from './support/bundle';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { assertTools, copySampleWorkspace, ensureBuilt, ROOT, scratchDir, toolOptions, withEditorLock } from './support/env';
import { recordsIn, type SuiteRecord } from './suite/records';

const RUN_TIMEOUT_MS = 150_000;
const LOGS = path.join(ROOT, 'test-results', 'editor');

test('the editor suite in code-server (VS Code for the browser, Node extension host)', { ...toolOptions('chromium', 'code-server'), timeout: 240_000 }, async (t) => {
  assertTools('chromium', 'code-server');
  const t0 = Date.now();
  ensureBuilt();
  const { outfile } = await bundleSuite();

  const scratch = scratchDir('integration');
  const workspace = copySampleWorkspace(scratch);
  const logs: string[] = [];
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let exitCode: number | undefined;

  await withEditorLock(async () => {
    try {
      const cs = await startCodeServer({ scratch, workspace });
      server = cs;
      browser = await launchBrowser(scratch);
      const { page } = browser;
      // Both hooks must be in place before the workbench loads: it looks them up on window.
      let onExit: (code: number) => void = () => undefined;
      const exited = new Promise<number>((resolve) => (onExit = resolve));
      await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
        // The extension host's console.log arrives as printf-style arguments.
        logs.push(`[${type}] ${format(...args)}`);
      });
      page.on('pageerror', (err) => logs.push(`[pageerror] ${err.message}`));

      const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
      const payload = [
        ['extensionDevelopmentPath', remote(ROOT)],
        ['extensionTestsPath', remote(outfile)],
      ];
      const url = `${cs.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      await page.goto(url);
      let timer: NodeJS.Timeout | undefined;
      exitCode = await Promise.race([
        exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the suite did not finish within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (err) {
      console.error(`--- code-server log\n${server?.log() ?? ''}\n--- workbench log\n${logs.join('\n')}`);
      throw err;
    } finally {
      await browser?.close();
      await server?.stop();
      fs.mkdirSync(LOGS, { recursive: true });
      fs.writeFileSync(path.join(LOGS, 'integration-code-server.log'), server?.log() ?? '');
      fs.writeFileSync(path.join(LOGS, 'integration-workbench.log'), logs.join('\n'));
    }
  }).finally(() => {
    // Keep the scratch folder when something went wrong: its logs are the evidence.
    if (exitCode === 0) fs.rmSync(scratch, { recursive: true, force: true });
    else console.error(`scratch folder kept: ${scratch}`);
  });

  const records = recordsIn(logs);
  const start = records.find((r): r is Extract<SuiteRecord, { event: 'start' }> => r.event === 'start');
  const end = records.find((r): r is Extract<SuiteRecord, { event: 'end' }> => r.event === 'end');
  const tests = records.filter((r): r is Extract<SuiteRecord, { event: 'test' }> => r.event === 'test');

  // One node:test subtest per mocha test, failing with mocha's error.
  for (const r of tests) {
    await t.test(r.title, r.state === 'pending' ? { skip: 'pending in mocha' } : {}, () => {
      if (r.state === 'failed') throw new Error(`failed in the extension host:\n${r.error ?? '(no error)'}`);
    });
  }
  const ran = tests.filter((r) => r.state !== 'pending').length;
  console.log(`code-server: ${ran} tests ran in VS Code ${start?.vscodeVersion ?? '?'} (${start?.appName ?? '?'}, ${start?.uiKind ?? '?'} UI) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  if (exitCode !== 0) console.error(`--- workbench log\n${logs.join('\n')}`);
  assert.ok(start, 'the suite never started in the extension host (no [statuslens-suite] start record in its log)');
  assert.ok(end, 'the suite did not finish: no end record');
  assert.equal(start.total, tests.length, 'not every planned mocha test reported a result (a failing hook skips the tests after it)');
  assert.ok(ran > 0, 'no tests ran');
  assert.equal(exitCode, end.failed ? 1 : 0, `codeAutomationExit(${exitCode}) disagrees with ${end.failed} failures`);
});
