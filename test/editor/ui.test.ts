/**
 * StatusLens as a person uses it: the packaged .vsix installed into code-server, a workspace
 * with an nginx.conf, and the real mouse and keyboard in Chromium. Each step saves a screenshot
 * into test-results/screenshots/.
 *
 *   node --import tsx --test test/editor/ui.test.ts
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser';
import { installExtension, startCodeServer, type CodeServer } from './support/codeServer';
import { assertTools, copySampleWorkspace, ROOT, SCREENSHOTS, scratchDir, toolOptions, withEditorLock } from './support/env';
import { Workbench } from './support/workbench';

const RULE = 'nginx/allow-after-deny-all';
const FIX = 'Move `deny all;` after the last allow';
const DISABLE = `Disable ${RULE} for this line`;
const VSIX = path.join(ROOT, `statuslens-${(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}.vsix`);
/** What goes into the .vsix: when none of it is newer than the .vsix, the .vsix is reused. */
const PACKAGED_INPUTS = ['client/src', 'server/src', 'content', 'media', 'language-configuration', 'syntaxes', 'bin', 'package.json', '.vscodeignore', 'README.md', 'scripts/build.mjs', 'scripts/build-kb.ts', 'scripts/package.mjs'];

function newestInput(): number {
  let newest = 0;
  const walk = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  PACKAGED_INPUTS.forEach((p) => walk(path.join(ROOT, p)));
  return newest;
}

/** `node scripts/package.mjs`, unless the .vsix is newer than everything that goes into it. */
function freshVsix(): { vsix: string; built: boolean } {
  const st = fs.statSync(VSIX, { throwIfNoEntry: false });
  if (st && st.mtimeMs > newestInput()) return { vsix: VSIX, built: false };
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/package.mjs failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  assert.ok(fs.existsSync(VSIX), `scripts/package.mjs did not write ${VSIX}`);
  return { vsix: VSIX, built: true };
}

test('StatusLens by mouse and keyboard in code-server, installed from the .vsix', { ...toolOptions('chromium', 'code-server'), timeout: 300_000 }, async (t) => {
  assertTools('chromium', 'code-server');
  await withEditorLock(async () => {
    const t0 = Date.now();
    const { vsix, built } = freshVsix();
    const tPackaged = Date.now();
    const scratch = scratchDir('ui');
    const workspace = copySampleWorkspace(scratch);
    const userDataDir = path.join(scratch, 'user-data');
    const extensionsDir = path.join(scratch, 'extensions');
    fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let ok = false;
    try {
      const installed = installExtension(scratch, vsix, userDataDir, extensionsDir);
      assert.match(installed, /successfully installed/i, installed);
      assert.ok(fs.readdirSync(extensionsDir).some((d) => d.startsWith('statuslens.statuslens-')), `not in ${extensionsDir}: ${fs.readdirSync(extensionsDir).join(', ')}`);

      server = await startCodeServer({ scratch, workspace, userDataDir, extensionsDir });
      browser = await launchBrowser(scratch);
      const wb = new Workbench(browser.page, SCREENSHOTS);
      const page = browser.page;
      await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`);

      // Each step is a subtest; after a failure the rest are skipped, not piled up as failures.
      let failed: string | undefined;
      const step = async (name: string, fn: () => Promise<void>) => {
        await t.test(name, failed ? { skip: `an earlier step failed: ${failed}` } : {}, async (_st: TestContext) => {
          try {
            await fn();
          } catch (err) {
            failed = name;
            await wb.screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 40)}`).catch(() => undefined);
            throw err;
          }
        });
      };

      await step('the workbench opens the workspace', async () => {
        await wb.waitReady();
        await wb.screenshot('workbench');
      });

      await step('Ctrl+P opens nginx.conf as nginx', async () => {
        await wb.openFile('nginx.conf');
        await page.waitForFunction(() => Array.from(document.querySelectorAll('.view-line')).some((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes('return 403;')));
        const mode = page.locator('.statusbar-item[id="status.editor.mode"]');
        await assertEventually(async () => (await mode.innerText()).trim(), /^nginx$/i, 'language mode in the status bar');
        await wb.screenshot('nginx-conf-open');
      });

      await step('hovering 403 with the mouse shows "403 Forbidden"', async () => {
        const text = await wb.hover('return 403;', '403', /403 Forbidden/);
        assert.match(text, /^\W*403 Forbidden/, `the hover should lead with the status: ${text.slice(0, 200)}`);
        await page.waitForTimeout(400); // fade-in
        await wb.screenshot('hover-403');
        await page.keyboard.press('Escape');
        await page.mouse.move(5, 5);
      });

      await step('F1 "StatusLens: Explain 403 Forbidden" shows the 403 page', async () => {
        await wb.runCommand('StatusLens: Explain 403 Forbidden');
        const { text } = await wb.frameWithText(/403 Forbidden/);
        assert.match(text, /deny/i, 'the 403 page should talk about deny rules');
        await page.locator('.tabs-container .tab', { hasText: '403' }).first().waitFor();
        await page.waitForTimeout(400);
        await wb.screenshot('explain-403');
      });

      await step(`the ${RULE} warning is squiggled and listed in Problems (Ctrl+Shift+M)`, async () => {
        await wb.clickTab('nginx.conf');
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 20_000 });
        await page.keyboard.press('Control+Shift+M');
        const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'never reached' }).first();
        await row.waitFor({ timeout: 20_000 });
        // The row shows "statuslens(nginx/allow-after-deny-all)"; its aria-label has the message,
        // the position and "generated by statuslens", but not the code.
        const rows = await problemRows(page);
        const ours = rows.find((r) => r.text.includes(RULE));
        assert.ok(ours, `no Problems row shows ${RULE}: ${JSON.stringify(rows)}`);
        assert.match(ours.label, /^Warning: .*never reached.* at line 14 and character \d+\. generated by statuslens$/, ours.label);
        await wb.screenshot('problems-panel');
      });

      await step('Ctrl+. on the allow line offers the fix and the suppression', async () => {
        // Click into the editor on the unreachable allow, as a person would, then Ctrl+.
        const { x, y } = await wb.pointOf('allow 127.0.0.1;', 'allow');
        await page.mouse.click(x, y);
        await page.keyboard.press('Control+.');
        const menu = page.locator('.action-widget');
        await menu.waitFor({ state: 'visible', timeout: 10_000 });
        await assertEventually(async () => await menu.innerText(), new RegExp(escapeRegExp(FIX)), 'lightbulb menu');
        const items = await menu.innerText();
        assert.ok(items.includes(DISABLE), `lightbulb menu: ${items}`);
        await wb.screenshot('quick-fix-menu');
      });

      await step('choosing the fix moves `deny all;` after the allows', async () => {
        // Move onto the row first: VS Code lays a pointer block over the page when the menu opens
        // and lifts it on the first pointer move, as a person's hand would make.
        const box = await page.locator('.action-widget .monaco-list-row', { hasText: FIX }).first().boundingBox();
        assert.ok(box, 'the fix is not in the menu any more');
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await page.locator('.action-widget').waitFor({ state: 'hidden' });
        await assertEventually(
          async () => (await wb.editorLines()).map((l) => l.trim()).filter((l) => /^(allow|deny) /.test(l)).join(' | '),
          /^allow 127\.0\.0\.1; \| deny all;$/,
          'allow/deny lines after the fix',
        );
        // The warning goes away with the problem.
        await assertEventually(
          async () => String((await problemRows(page)).some((r) => r.text.includes(RULE))),
          /^false$/,
          `${RULE} gone from Problems`,
        );
        await page.waitForTimeout(300);
        await wb.screenshot('after-fix');
      });

      console.log(`ui: ${built ? 'packaged' : 'reused'} ${path.basename(vsix)} in ${((tPackaged - t0) / 1000).toFixed(1)} s; UI steps in ${((Date.now() - tPackaged) / 1000).toFixed(1)} s; screenshots: ${wb.screenshots.map((f) => path.relative(ROOT, f)).join(', ')}`);
      ok = !failed;
    } finally {
      await browser?.close();
      await server?.stop();
      if (server) {
        fs.mkdirSync(path.join(ROOT, 'test-results', 'editor'), { recursive: true });
        fs.writeFileSync(path.join(ROOT, 'test-results', 'editor', 'ui-code-server.log'), server.log());
      }
      if (ok) fs.rmSync(scratch, { recursive: true, force: true });
      else console.error(`scratch folder kept: ${scratch}`);
    }
  });
});

/** The rows of the Problems panel: visible text and aria-label. */
async function problemRows(page: Page): Promise<{ text: string; label: string }[]> {
  return page
    .locator('.markers-panel .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => ({ text: (r as HTMLElement).innerText, label: r.getAttribute('aria-label') ?? '' })));
}

async function assertEventually(probe: () => Promise<string>, expected: RegExp, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await probe().catch((e: Error) => `(error: ${e.message})`);
    if (expected.test(last)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${what}: ${JSON.stringify(last)} does not match ${expected}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
