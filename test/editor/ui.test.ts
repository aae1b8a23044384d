/**
 * StatusLens as a person uses it: the packaged .vsix installed into code-server, a workspace
 * with an nginx.conf, and the real mouse and keyboard in Chromium. Each step saves a screenshot
 * into test-results/screenshots/; the steps the README shows also save a crop of the region
 * that matters into test-results/screenshots/docs/.
 *
 *   node --import tsx --test test/editor/ui.test.ts
 *   npm run screenshots     (the same run, with STATUSLENS_DOCS_SCREENSHOTS=1: the crops
 *                            are also written to docs/*.png, the README's pictures)
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser';
import { installExtension, startCodeServer, type CodeServer } from './support/codeServer';
import { assertTools, copySampleWorkspace, newestMtime, ROOT, SCREENSHOTS, scratchDir, toolOptions, withEditorLock } from './support/env';
import { Workbench, type Box } from './support/workbench';

const RULE = 'nginx/allow-after-deny-all';
const FIX = 'Move `deny all;` after the last allow';
const DISABLE = `Disable ${RULE} for this line`;
/** The client's code action (client/src/codeActions.ts), listed beside the server's quick fixes. */
const EXPLAIN_ACTION = 'Explain 403 Forbidden';
/** A fixed window, so the README crops come out the same size on every run. */
const VIEWPORT = { width: 1280, height: 800 };
/** With STATUSLENS_DOCS_SCREENSHOTS=1 (`npm run screenshots`) the crops also go to docs/. */
const WRITE_DOCS = process.env.STATUSLENS_DOCS_SCREENSHOTS === '1';
const DOCS = path.join(ROOT, 'docs');
/** README pictures stay small: a crop above this is a crop of the wrong region. */
const DOCS_MAX_BYTES = 200 * 1024;

/**
 * A team knowledge-base page (setting `statuslens.knowledgeBase.paths`) overriding the Summary of
 * the built-in 418 page with markup that would run if anything on the way rendered it as HTML.
 */
const HOSTILE_418 = `---
kind: status
code: 418
---
# 418 (Unused)

## Summary

ACME teapot policy: our bot filter answers 418 to scrapers (team page).

<script>document.title='pwned'</script>

Inline <script>document.title='pwned'</script> too, and a [click](javascript:alert(1)) link.
`;
const VSIX = path.join(ROOT, `statuslens-${(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}.vsix`);
/** What goes into the .vsix: when none of it is newer than the .vsix, the .vsix is reused. */
const PACKAGED_INPUTS = ['client/src', 'server/src', 'content', 'media', 'language-configuration', 'syntaxes', 'bin', 'package.json', '.vscodeignore', 'README.md', 'scripts/build.mjs', 'scripts/build-kb.ts', 'scripts/package.mjs', 'scripts/tree-sitter-wasm.json'];

/** `node scripts/package.mjs`, unless the .vsix is newer than everything that goes into it. */
function freshVsix(): { vsix: string; built: boolean } {
  const st = fs.statSync(VSIX, { throwIfNoEntry: false });
  if (st && st.mtimeMs > newestMtime(PACKAGED_INPUTS.map((p) => path.join(ROOT, p)))) return { vsix: VSIX, built: false };
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

      // The team's pages live outside the workspace, as a shared checkout would.
      const teamKb = path.join(scratch, 'team-kb');
      fs.mkdirSync(path.join(teamKb, 'status'), { recursive: true });
      fs.writeFileSync(path.join(teamKb, 'status', '418.md'), HOSTILE_418);
      server = await startCodeServer({
        scratch,
        workspace,
        userDataDir,
        extensionsDir,
        settings: { 'statuslens.knowledgeBase.paths': [teamKb], 'editor.cursorBlinking': 'solid' },
      });
      browser = await launchBrowser(scratch, VIEWPORT);
      const wb = new Workbench(browser.page, SCREENSHOTS);
      const page = browser.page;
      // Every dialog (alert, confirm…) from any frame of the page: none may come from a KB page.
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss().catch(() => undefined);
      });
      const docsShot = async (name: string, clip: Box) => {
        const file = await wb.screenshotClip(path.join(SCREENSHOTS, 'docs', `${name}.png`), clip);
        if (WRITE_DOCS) {
          const size = fs.statSync(file).size;
          assert.ok(size <= DOCS_MAX_BYTES, `${name}.png is ${Math.round(size / 1024)} KB: crop it tighter`);
          fs.mkdirSync(DOCS, { recursive: true });
          fs.copyFileSync(file, path.join(DOCS, `${name}.png`));
        }
      };
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

      await step('hovering 403 with the mouse shows "403 Forbidden", ending in an "Explain 403 Forbidden" link', async () => {
        const text = await wb.hover('return 403;', '403', /403 Forbidden/);
        assert.match(text, /^\W*403 Forbidden/, `the hover should lead with the status: ${text.slice(0, 200)}`);
        assert.match(text, /Likely cause here \(nginx\)/, 'the hover should say what causes a 403 in nginx');
        const link = visibleHover(page).locator('a', { hasText: EXPLAIN_ACTION });
        assert.equal(await link.count(), 1, `the hover should have one "${EXPLAIN_ACTION}" link: ${text.slice(-300)}`);
        // VS Code keeps a markdown link's target in data-href and runs it on click.
        assert.match((await link.getAttribute('data-href')) ?? (await link.getAttribute('href')) ?? '', /^command:statuslens\.explain\?/);
        await page.waitForTimeout(400); // fade-in
        await wb.screenshot('hover-403');
        const hoverBox = await visibleHover(page).boundingBox();
        await docsShot('hover', wb.region([await wb.lineBox('http {'), await wb.lineBox('location /admin/'), grow(hoverBox, 6)]));
      });

      await step('clicking "Explain 403 Forbidden" at the end of the hover opens the Explain view', async () => {
        const hover = visibleHover(page);
        const link = hover.locator('a', { hasText: EXPLAIN_ACTION });
        // Into the hover without leaving it: straight down from the word, then wheel to its end.
        const word = await wb.pointOf('return 403;', '403');
        const box = await hover.boundingBox();
        assert.ok(box, 'the hover went away');
        await page.mouse.move(word.x, box.y > word.y ? box.y + 12 : box.y + box.height - 12, { steps: 4 });
        let linkBox = await link.boundingBox();
        for (let i = 0; i < 30 && !(linkBox && inside(linkBox, box)); i++) {
          await page.mouse.wheel(0, 150);
          await page.waitForTimeout(80);
          linkBox = await link.boundingBox();
        }
        assert.ok(linkBox && inside(linkBox, box), `could not scroll the "${EXPLAIN_ACTION}" link into the hover (link ${JSON.stringify(linkBox)}, hover ${JSON.stringify(box)})`);
        await page.mouse.move(linkBox.x + linkBox.width / 2, linkBox.y + linkBox.height / 2, { steps: 3 });
        await wb.screenshot('hover-explain-link');
        await page.mouse.click(linkBox.x + linkBox.width / 2, linkBox.y + linkBox.height / 2);
        const { html } = await wb.webviewDocument(/403 Forbidden/);
        assert.match(html, /<main class="page" data-page="status\/403">/, 'the Explain view should show the status/403 page');
        await wb.tabs('403 Forbidden').first().waitFor();
        await page.waitForTimeout(300);
        await wb.screenshot('hover-link-opened-explain');
        // Close it again, so the palette command below has to open it itself.
        await wb.closeTab('403 Forbidden');
        await page.mouse.move(5, 5);
      });

      await step('F1 "StatusLens: Explain 403 Forbidden" shows the 403 page with its 401 and 404 comparisons', async () => {
        assert.equal(await wb.tabs('403 Forbidden').count(), 0, 'the Explain view should be closed before the command runs');
        await wb.runCommand('StatusLens: Explain 403 Forbidden');
        // The page's HTML, read inside the webview's inner iframe.
        const { frame, text, html } = await wb.webviewDocument(/403 Forbidden/);
        assert.match(text, /deny/i, 'the 403 page should talk about deny rules');
        assert.match(html, /<h1 id="403-forbidden">403 Forbidden<\/h1>/, 'the page heading');
        const compared = await frame.evaluate(() => {
          const heading = Array.from(document.querySelectorAll('h2')).find((h) => h.textContent === 'Compared with');
          const list = heading?.nextElementSibling;
          return Array.from(list?.querySelectorAll('li') ?? []).map((li) => ({
            page: li.querySelector('a.page-link')?.textContent ?? '',
            href: li.querySelector('a.page-link')?.getAttribute('href') ?? '',
            compare: li.querySelector('a.compare-link')?.getAttribute('href') ?? '',
          }));
        });
        for (const [code, name] of [['401', '401 Unauthorized'], ['404', '404 Not Found']] as const) {
          const item = compared.find((c) => c.page === name);
          assert.ok(item, `"Compared with" should list ${name}: ${JSON.stringify(compared.map((c) => c.page))}`);
          assert.equal(item.href, `command:statuslens.explain?${encodeURIComponent(JSON.stringify([`status/${code}`]))}`);
          assert.equal(item.compare, `command:statuslens.compare?${encodeURIComponent(JSON.stringify(['status/403', `status/${code}`]))}`);
        }
        await wb.tabs('403 Forbidden').first().waitFor();
        await page.waitForTimeout(400);
        await wb.screenshot('explain-403');
        const editorPart = await page.locator('.part.editor').boundingBox();
        assert.ok(editorPart, 'no editor area');
        await docsShot('explain-view', { x: editorPart.x, y: editorPart.y, width: editorPart.width, height: Math.min(editorPart.height, 540) });
      });

      await step('"Compare side by side" next to 401 in the view shows 403 vs 401', async () => {
        const { frame } = await wb.webviewDocument(/403 Forbidden/);
        const link = frame.locator(`a.compare-link[href="command:statuslens.compare?${encodeURIComponent(JSON.stringify(['status/403', 'status/401']))}"]`);
        await link.scrollIntoViewIfNeeded();
        await page.waitForTimeout(200);
        await wb.screenshot('compare-link');
        await link.click();
        const compare = await wb.webviewDocument(/403 Forbidden\s*vs\s*401 Unauthorized/);
        assert.match(compare.html, /<section class="column left" data-page="status\/403">/);
        assert.match(compare.html, /<section class="column right" data-page="status\/401">/);
        assert.match(compare.text, /How to tell them apart/);
        assert.match(compare.text, /From the 403 Forbidden page:/);
        assert.match(compare.text, /From the 401 Unauthorized page:/);
        const tab = wb.tabs('403 vs 401').first();
        await tab.waitFor();
        // Room for two columns, as a person makes it: hide the side bar (Ctrl+B) and double-click
        // the tab, which widens its group.
        await tab.dblclick();
        await page.keyboard.press('Control+B');
        await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
        const columns = compare.frame.locator('.columns > .column');
        await assertEventually(
          async () => {
            const [left, right] = await Promise.all([columns.nth(0).boundingBox(), columns.nth(1).boundingBox()]);
            return left && right ? (Math.abs(left.y - right.y) < 2 && right.x > left.x + left.width - 1 ? 'side by side' : 'stacked') : 'missing';
          },
          /^side by side$/,
          'the two pages of the comparison',
        );
        await page.waitForTimeout(300);
        await wb.screenshot('compare-403-401');
        const group = await page.locator('.editor-group-container', { has: page.locator('.tab', { hasText: '403 vs 401' }) }).boundingBox();
        assert.ok(group, 'no editor group shows the comparison');
        await docsShot('compare', { x: group.x, y: group.y, width: group.width, height: Math.min(group.height, 520) });
        await page.keyboard.press('Control+B');
        await page.locator('.part.sidebar').waitFor({ state: 'visible' });
        await wb.closeTab('403 vs 401');
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
        await page.waitForTimeout(300);
        await wb.screenshot('problems-panel');
        const panelTitle = await page.locator('.part.panel .composite.title').boundingBox();
        const lastRow = await page.locator('.markers-panel .monaco-list-row').last().boundingBox();
        await docsShot('problems', wb.region([await wb.lineBox('location /admin/'), await wb.lineBox('allow 127.0.0.1;'), panelTitle, lastRow]));
      });

      await step('Ctrl+. on the allow line offers the fix, the suppression and "Explain 403 Forbidden"', async () => {
        // Click into the editor on the unreachable allow, as a person would, then Ctrl+.
        const { x, y } = await wb.pointOf('allow 127.0.0.1;', 'allow');
        await page.mouse.click(x, y);
        await page.keyboard.press('Control+.');
        const menu = page.locator('.action-widget');
        await menu.waitFor({ state: 'visible', timeout: 10_000 });
        await assertEventually(async () => await menu.innerText(), new RegExp(escapeRegExp(FIX)), 'lightbulb menu');
        // The server's fix and suppression, and the client's "Explain 403 Forbidden" beside them.
        await assertEventually(async () => await menu.innerText(), new RegExp(escapeRegExp(EXPLAIN_ACTION)), 'lightbulb menu');
        const rows = await menu.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()));
        for (const title of [FIX, DISABLE, EXPLAIN_ACTION]) assert.ok(rows.includes(title), `no "${title}" row in the lightbulb menu: ${JSON.stringify(rows)}`);
        await page.waitForTimeout(200);
        await wb.screenshot('quick-fix-menu');
        await docsShot('lightbulb', wb.region([await wb.lineBox('location /admin/'), await wb.lineBox('allow 127.0.0.1;'), grow(await menu.boundingBox(), 8)]));
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

      await step('a team page with <script> and a javascript: link renders inert in the Explain view', async () => {
        await wb.runCommand('StatusLens: Explain HTTP status code', { opensPick: 'Explain HTTP status code' });
        await wb.pick('418', /418/);
        // The team's Summary is shown, so the hostile page really is the one rendered.
        const { frame, text, html } = await wb.webviewDocument(/ACME teapot policy/);
        assert.match(text, /418 \(Unused\)/);
        assert.match(text, /a click link/, 'the link text stays, as plain text');
        const probe = await frame.evaluate(() => ({
          scripts: Array.from(document.querySelectorAll('script')).map((s) => ({ id: s.id, src: s.getAttribute('src') ?? '', text: s.textContent ?? '' })),
          hrefs: Array.from(document.querySelectorAll('a[href], area[href]')).map((e) => e.getAttribute('href') ?? ''),
          handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => e.getAttributeNames().filter((a) => a.toLowerCase().startsWith('on'))),
          title: document.title,
        }));
        assert.ok(!probe.scripts.some((s) => s.text.includes('pwned')), `a <script> from the page survived: ${JSON.stringify(probe.scripts)}`);
        // Besides the acquireVsCodeApi script VS Code puts into every webview, only the view's
        // own script file (loaded with its nonce); nothing inline from the page.
        const ours = probe.scripts.filter((s) => s.id !== '_vscodeApiScript');
        assert.deepEqual(ours.map((s) => ({ inline: s.text.trim() !== '', ownFile: /\/media\/explain\.js$/.test(s.src) })), [{ inline: false, ownFile: true }], JSON.stringify(probe.scripts.map((s) => s.id || s.src)));
        assert.deepEqual(probe.hrefs.filter((h) => /^\s*javascript:/i.test(h)), [], 'no javascript: link');
        assert.deepEqual(probe.hrefs.filter((h) => !/^(command:statuslens\.|https?:|mailto:)/.test(h)), [], 'every link is a StatusLens command, web or mail link');
        assert.deepEqual(probe.handlers, [], 'no event-handler attributes');
        assert.equal(probe.title, '418 (Unused)', 'the script did not set the view title');
        assert.doesNotMatch(html, /<script>document\.title/);
        // Click where the link was, as a person would: nothing may happen.
        const frameUrl = frame.url();
        const para = frame.locator('main p', { hasText: 'a click link' });
        const at = await para.evaluate((p) => {
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const i = (node.textContent ?? '').indexOf('click');
            if (i < 0) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 'click'.length);
            const r = range.getBoundingClientRect();
            const pr = p.getBoundingClientRect();
            return { x: r.left - pr.left + r.width / 2, y: r.top - pr.top + r.height / 2 };
          }
          return undefined;
        });
        assert.ok(at, 'the word "click" is not in the paragraph');
        await para.click({ position: at });
        await page.waitForTimeout(700);
        await wb.screenshot('team-page-418-inert');
        // The webview's frame is sandboxed without allow-modals, so an alert() there is dropped
        // silently; this listener catches dialogs of the workbench page around it.
        assert.deepEqual(dialogs, [], 'no dialog may open');
        assert.doesNotMatch(await page.title(), /pwned/);
        assert.equal(await frame.evaluate(() => document.title), '418 (Unused)');
        assert.equal(frame.url(), frameUrl, 'the view did not navigate');
        assert.match(await frame.evaluate(() => document.body.innerText), /ACME teapot policy/, 'the view still shows the page');
        assert.equal(browser!.context.pages().length, 1, 'no new window or tab');

        // The second wall, in this real browser: had markup got through, the view's Content
        // Security Policy would still stop an inline script and a javascript: link.
        const csp = await frame.evaluate(
          () =>
            new Promise<{ inlineRan: boolean; linkRan: boolean; violations: string[] }>((resolve) => {
              const w = window as unknown as Record<string, unknown>;
              const violations: string[] = [];
              document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
              const script = document.createElement('script');
              script.textContent = 'window.statuslensInlineRan = true;';
              document.body.appendChild(script);
              const a = document.createElement('a');
              a.href = 'javascript:void(window.statuslensLinkRan = true)';
              a.textContent = 'probe';
              document.body.appendChild(a);
              a.click();
              setTimeout(() => {
                a.remove();
                script.remove();
                resolve({ inlineRan: w.statuslensInlineRan === true, linkRan: w.statuslensLinkRan === true, violations });
              }, 300);
            }),
        );
        assert.equal(csp.inlineRan, false, 'an inline <script> ran in the Explain view');
        assert.equal(csp.linkRan, false, 'a javascript: link ran in the Explain view');
        assert.ok(csp.violations.some((d) => d.startsWith('script-src')), `the CSP should report the blocked script: ${JSON.stringify(csp.violations)}`);
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

/** The editor hover on screen. */
function visibleHover(page: Page): Locator {
  return page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).first();
}

function grow(box: Box | null, by: number): Box | null {
  return box && { x: box.x - by, y: box.y - by, width: box.width + 2 * by, height: box.height + 2 * by };
}

function inside(inner: Box, outer: Box): boolean {
  return inner.y >= outer.y && inner.y + inner.height <= outer.y + outer.height && inner.x >= outer.x && inner.x + inner.width <= outer.x + outer.width;
}

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
