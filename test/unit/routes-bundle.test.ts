/**
 * The route-file analysis inside the esbuild bundle: web-tree-sitter and its grammars load from
 * `grammars/` next to the bundle (no node_modules there), and a real stdio client gets hovers
 * and diagnostics. The server is bundled into a temporary folder with the options of
 * scripts/build.mjs, so this does not depend on (or touch) dist/.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type MarkupContent,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { KnowledgeBase, loadFolder } from '../../server/src/kb/knowledgeBase';
import { CONTENT, ROOT } from '../support/service';

/** The tree-sitter runtime and grammars, as paths under node_modules: the list scripts/build.mjs copies. */
const WASM = JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts', 'tree-sitter-wasm.json'), 'utf8')) as string[];

describe('route files in the bundled server', { timeout: 60_000 }, () => {
  let dir: string;
  let connection: ProtocolConnection;
  let stderr = '';
  const diagnostics = new Map<string, (p: PublishDiagnosticsParams) => void>();
  let exited: Promise<void>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuslens-routes-bundle-'));
    await build({
      entryPoints: [path.join(ROOT, 'server/src/server.ts')],
      outfile: path.join(dir, 'server.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
      define: { 'import.meta.url': 'importMetaUrl' },
      banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    });
    fs.mkdirSync(path.join(dir, 'grammars'));
    for (const w of WASM) fs.copyFileSync(path.join(ROOT, 'node_modules', w), path.join(dir, 'grammars', path.basename(w)));
    const pages = new KnowledgeBase(loadFolder(CONTENT).pages).pages;
    fs.writeFileSync(path.join(dir, 'kb.json'), JSON.stringify({ version: 1, pages }));
    const child = spawn(process.execPath, [path.join(dir, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: dir });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => child.on('exit', () => resolve()));
    connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      if (p.diagnostics.length) diagnostics.get(p.uri)?.(p);
    });
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    await exited;
    connection.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const open = (uri: string, languageId: string, text: string) =>
    connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  const hover = async (uri: string, line: number, character: number) => {
    const h = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
    return h ? (h.contents as MarkupContent).value : undefined;
  };

  it('answers hovers on statuses in each language, and none on a port', async () => {
    const js = 'file:///tmp/statuslens-routes/app.js';
    const text = "const express = require('express');\napp.get('/', (req, res) => {\n  if (!req.user) return res.status(403).end();\n  res.sendStatus(401);\n});\napp.listen(3000);\n";
    const published = new Promise<PublishDiagnosticsParams>((resolve) => diagnostics.set(js, resolve));
    await open(js, 'javascript', text);
    assert.match((await hover(js, 2, 36)) ?? '', /403 Forbidden/);
    assert.match((await hover(js, 3, 19)) ?? '', /401 Unauthorized/);
    assert.equal(await hover(js, 5, 13), undefined);
    const d = await published;
    assert.deepEqual(d.diagnostics.map((x) => `${x.range.start.line}:${x.code}`).sort(), ['2:routes/403-for-missing-auth', '3:routes/401-without-challenge']);

    const cases: [string, string, string, number, number, RegExp][] = [
      ['app.py', 'python', 'from flask import abort\n\ndef v():\n    abort(403)\n', 3, 11, /403 Forbidden/],
      ['routes.php', 'php', '<?php\nRoute::get("/", function () { abort(403); });\n', 1, 38, /403 Forbidden/],
      ['a_controller.rb', 'ruby', 'class A < ApplicationController\n  def s\n    head :forbidden\n  end\nend\n', 2, 12, /403 Forbidden/],
      ['main.go', 'go', 'package main\nimport "net/http"\nfunc h(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTooManyRequests) }\n', 2, 70, /429 Too Many Requests/],
    ];
    for (const [name, languageId, source, line, character, expected] of cases) {
      const uri = `file:///tmp/statuslens-routes/${name}`;
      await open(uri, languageId, source);
      assert.match((await hover(uri, line, character)) ?? '', expected, name);
    }
    assert.doesNotMatch(stderr, /not found|failed to load/);
  });
});
