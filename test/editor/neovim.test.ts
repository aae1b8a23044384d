/**
 * Neovim as a second, independent LSP client: the bundled server over stdio, driven by
 * test/editor/neovim.lua in `nvim --headless`, which writes what it saw as JSON.
 *
 *   node --import tsx --test test/editor/neovim.test.ts
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { assertTools, copySampleWorkspace, ensureBuilt, ROOT, scratchDir, scratchXdg, toolOptions, withEditorLock } from './support/env';

const RULE = 'nginx/allow-after-deny-all';
const FIX = 'Move `deny all;` after the last allow';

interface NeovimResult {
  nvim: string;
  error?: string;
  hoverProvider?: boolean;
  codeActionProvider?: boolean;
  initializedMs?: number;
  diagnosticsMs?: number;
  totalMs?: number;
  diagnostics?: { line: number; col: number; severity: number; source?: string; code?: string; message: string }[];
  hover?: string;
  hoverRange?: { start: { line: number; character: number }; end: { line: number; character: number } } | null;
  contextDiagnostics?: number;
  codeActions?: { title: string; kind: string | null; isPreferred: boolean }[];
  linesAfterFix?: string[];
}

test('Neovim speaks LSP to the StatusLens server: diagnostics, hover, code actions', { ...toolOptions('nvim'), timeout: 300_000 }, async () => {
  assertTools('nvim');
  // Under the editor lock: the other editor tests rebuild dist/ (the UI test packages the .vsix).
  await withEditorLock(async () => check());
});

function check(): void {
  ensureBuilt();
  const scratch = scratchDir('neovim');
  try {
    const file = path.join(copySampleWorkspace(scratch), 'nginx.conf');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const out = path.join(scratch, 'result.json');
    const t0 = Date.now();
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(ROOT, 'test', 'editor', 'neovim.lua')}`], {
      cwd: scratch,
      encoding: 'utf8',
      timeout: 45_000,
      env: {
        ...process.env,
        ...scratchXdg(scratch),
        HOME: scratch,
        STATUSLENS_SERVER: path.join(ROOT, 'dist', 'server.js'),
        STATUSLENS_FILE: file,
        STATUSLENS_RESULT: out,
      },
    });
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    assert.ok(fs.existsSync(out), `nvim wrote no result (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    const res = JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimResult;
    console.log(`neovim ${res.nvim}: initialized in ${res.initializedMs} ms, diagnostics at ${res.diagnosticsMs} ms, done in ${res.totalMs} ms (${seconds} s with nvim start-up)`);
    assert.equal(res.error, undefined, `the Lua script failed: ${res.error}`);
    assert.equal(res.hoverProvider, true, 'server did not announce hoverProvider');
    assert.equal(res.codeActionProvider, true, 'server did not announce codeActionProvider');

    const allowLine = lines.findIndex((l) => l.includes('allow 127.0.0.1;'));
    const finding = res.diagnostics?.find((d) => d.code === RULE);
    assert.ok(finding, `no ${RULE} diagnostic in ${JSON.stringify(res.diagnostics)}`);
    assert.equal(finding.line, allowLine, 'the diagnostic is on the unreachable allow');
    assert.equal(finding.source, 'statuslens');
    assert.equal(finding.severity, 2, 'warning (vim.diagnostic.severity.WARN = 2)');

    assert.match(res.hover ?? '', /Forbidden/);
    assert.match(res.hover ?? '', /^\W*403 Forbidden/);
    const returnLine = lines.findIndex((l) => l.includes('return 403;'));
    const col = lines[returnLine]!.indexOf('403');
    assert.deepEqual(res.hoverRange, { start: { line: returnLine, character: col }, end: { line: returnLine, character: col + 3 } });

    assert.ok((res.contextDiagnostics ?? 0) > 0, 'Neovim sent no diagnostics as code action context');
    const titles = (res.codeActions ?? []).map((a) => a.title);
    assert.ok(titles.includes(FIX), `code actions: ${JSON.stringify(titles)}`);
    assert.ok(titles.includes(`Disable ${RULE} for this line`), `code actions: ${JSON.stringify(titles)}`);
    assert.equal(res.codeActions?.find((a) => a.title === FIX)?.kind, 'quickfix');

    const after = (res.linesAfterFix ?? []).map((l) => l.trim()).filter((l) => /^(allow|deny) /.test(l));
    assert.deepEqual(after, ['allow 127.0.0.1;', 'deny all;'], 'the fix, applied by Neovim, puts deny all last');
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
