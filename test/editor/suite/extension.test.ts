/**
 * StatusLens inside a real VS Code extension host (desktop via @vscode/test-electron, or
 * code-server): the workspace is a copy of test/editor/workspace/.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'statuslens.statuslens';
const RULE = 'nginx/allow-after-deny-all';

/** What these tests use of the API `activate()` returns. */
interface ApiSubset {
  readonly client: { isRunning(): boolean };
  /** The Explain view's HTML (undefined when it is closed). */
  explainPanelHtml(): string | undefined;
}

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace (a copy of test/editor/workspace) is not open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** Position of the `nth` character of the first match of `needle` (0 = its first character). */
function positionOf(document: vscode.TextDocument, needle: string, offsetInNeedle = 0): vscode.Position {
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `"${needle}" not found in ${document.uri.fsPath}`);
  return document.positionAt(at + offsetInNeedle);
}

async function poll<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'statuslens');

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

describe('StatusLens in VS Code', function () {
  let api: ApiSubset;
  let nginxConf: vscode.TextDocument;

  before(async function () {
    this.timeout(90_000);
    nginxConf = await vscode.workspace.openTextDocument(workspaceFile('nginx.conf'));
    await vscode.window.showTextDocument(nginxConf);
    const extension = vscode.extensions.getExtension<ApiSubset>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
    api = await extension.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates on nginx.conf and starts its language server', () => {
    assert.equal(nginxConf.languageId, 'nginx');
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'extension not active');
    assert.ok(api.client.isRunning(), 'the language client is not running');
  });

  it('hovers `403` in `return 403;` with the 403 Forbidden page', async () => {
    const position = positionOf(nginxConf, 'return 403;', 'return 4'.length);
    const text = await poll('a StatusLens hover on 403', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', nginxConf.uri, position);
      const t = hoverText(hovers ?? []);
      return t.trim() ? t : undefined;
    });
    // It leads with the status it explains (bold or heading markup aside).
    assert.match(text, /^\W*403 Forbidden\b/, text.slice(0, 200));
  });

  it('gives no StatusLens hover on the port number of `listen`', async () => {
    const position = positionOf(nginxConf, '127.0.0.1:8080', '127.0.0.1:80'.length);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', nginxConf.uri, position);
    assert.doesNotMatch(hoverText(hovers ?? []), /Forbidden|\b8080\b/);
  });

  it('"StatusLens: Explain 403 Forbidden" opens the 403 page', async () => {
    const before = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label));
    await vscode.commands.executeCommand('statuslens.explain403');
    // The Explain view (a webview panel) opens, named after the page, and renders it.
    const tab = await poll('a tab for the 403 page', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /403/.test(t.label) && !before.has(t.label)),
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview);
    assert.match(tab.input.viewType, /statuslens\.explain$/, `view type ${tab.input.viewType}`);
    assert.ok(tab.isActive, `the 403 tab "${tab.label}" is not the active tab of its group`);
    const html = await poll('the Explain view HTML', () => api.explainPanelHtml() || undefined);
    assert.match(html, /403 Forbidden/);
    assert.match(html, /<h1[^>]*>\s*403 Forbidden/, 'the page title is the view\'s heading');
  });

  it('serves the 403 page as markdown at statuslens-kb:/status/403.md', async () => {
    const page = await vscode.workspace.openTextDocument(vscode.Uri.parse('statuslens-kb:/status/403.md'));
    assert.match(page.getText(), /^# 403 Forbidden/m);
    assert.match(page.getText(), /deny/, 'the 403 page should explain deny rules');
  });

  describe(`diagnostics and quick fixes for ${RULE}`, () => {
    let admin: vscode.TextDocument;
    let diagnostics: vscode.Diagnostic[];

    before(async function () {
      this.timeout(30_000);
      admin = await vscode.workspace.openTextDocument(workspaceFile('conf.d/admin.conf'));
      await vscode.window.showTextDocument(admin);
      diagnostics = await poll(`${RULE} diagnostics on conf.d/admin.conf`, () => {
        const found = ours(admin.uri).filter((d) => codeOf(d) === RULE);
        return found.length ? found : undefined;
      });
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('reports each unreachable allow, with source "statuslens" and the rule id as code', () => {
      assert.equal(admin.languageId, 'nginx');
      const lines = (pattern: RegExp) =>
        admin
          .getText()
          .split('\n')
          .flatMap((l, i) => (pattern.test(l) ? [i] : []));
      assert.deepEqual(
        diagnostics.map((d) => d.range.start.line).sort((a, b) => a - b),
        lines(/^\s*allow /),
      );
      for (const d of diagnostics) {
        assert.equal(d.source, 'statuslens');
        assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
        assert.match(d.message, /never reached/);
      }
    });

    it('offers the fix and the suppression in the lightbulb, and the fix moves `deny all;`', async () => {
      const first = diagnostics.reduce((a, b) => (a.range.start.line <= b.range.start.line ? a : b));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', admin.uri, first.range);
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Move `deny all;` after the last allow'), `titles: ${JSON.stringify(titles)}`);
      assert.ok(titles.includes(`Disable ${RULE} for this line`), `titles: ${JSON.stringify(titles)}`);

      const fix = actions.find((a) => a.title === 'Move `deny all;` after the last allow');
      assert.ok(fix?.edit, 'the fix has no edit');
      assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit was not applied');
      const directives = admin
        .getText()
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^(allow|deny) /.test(l));
      assert.deepEqual(directives, ['allow 127.0.0.1;', 'allow 10.0.0.0/8;', 'deny all;']);
      await poll('the warnings to go away after the fix', () => (ours(admin.uri).some((d) => codeOf(d) === RULE) ? undefined : true));
    });
  });
});
