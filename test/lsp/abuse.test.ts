/**
 * Abuse over a real connection (the bundled server over stdio): invalid params, positions past the
 * end, unknown methods, a 10 MB file, a binary file, 1,000 didChange in a burst, a request cancelled
 * mid-flight. The server answers every request (a result or a proper JSON-RPC error), stays alive,
 * publishes debounced diagnostics that are never stale, tells once that a big file is only partly
 * analysed, and its memory comes back near its baseline.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  CodeActionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentLinkRequest,
  ErrorCodes,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  LSPErrorCodes,
  PublishDiagnosticsNotification,
  ResponseError,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ShowMessageParams,
} from 'vscode-languageserver-protocol/node';
import { SERVER } from '../support/lspClient';

/** The server's large-file limit (server/src/server.ts MAX_ANALYSED_BYTES). */
const LIMIT = 4 * 1024 * 1024;

interface Client {
  connection: ProtocolConnection;
  child: ChildProcess;
  published: { params: PublishDiagnosticsParams; at: number }[];
  messages: ShowMessageParams[];
  stderr: () => string;
}

async function start(): Promise<Client> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const client: Client = { connection, child, published: [], messages: [], stderr: () => stderr };
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    client.published.push({ params, at: Date.now() });
  });
  connection.onNotification(ShowMessageNotification.type, (params) => {
    client.messages.push(params);
  });
  connection.onNotification(LogMessageNotification.type, () => undefined);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    workspaceFolders: null,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return client;
}

const open = (c: Client, uri: string, languageId: string, text: string, version = 1) =>
  c.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });

/** Resolves with the first publication for `uri` (at `version`, when given) that arrives after `since` entries. */
async function published(c: Client, uri: string, version?: number, timeoutMs = 30_000, since = 0): Promise<PublishDiagnosticsParams> {
  const t0 = Date.now();
  for (;;) {
    const hit = c.published.slice(since).find((p) => p.params.uri === uri && (version === undefined || p.params.version === version));
    if (hit) return hit.params;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no diagnostics for ${uri}@${version ?? 'any'} within ${timeoutMs} ms; stderr: ${c.stderr().slice(-2000)}`);
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** A request's outcome: its result, or the JSON-RPC error it was answered with. */
async function answer(p: Promise<unknown>): Promise<{ result?: unknown; error?: ResponseError<unknown> }> {
  try {
    return { result: await p };
  } catch (err) {
    assert.ok(err instanceof ResponseError, `expected a JSON-RPC error response, got ${String(err)}`);
    return { error: err };
  }
}

function nginxConfig(bytes: number): string {
  const parts: string[] = ['http {\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const s = `  server {\n    listen 80;\n    server_name s${i}.example.test;\n    location /admin${i}/ { deny all; allow 10.0.0.${i % 255}; }\n    location = /gone${i} { return 410; }\n  }\n`;
    parts.push(s);
    size += s.length;
  }
  parts.push('}\n');
  return parts.join('');
}

const SMALL = 'server {\n    location / {\n        deny all;\n        allow 127.0.0.1;\n    }\n    location = /gone { return 410; }\n}\n';

describe('language server under abuse', () => {
  let c: Client;
  let baselineRss = 0;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | undefined;
  before(async () => {
    c = await start();
    // Baseline: running, with a small file analysed and hovered once.
    open(c, 'file:///abuse/baseline/nginx.conf', 'nginx', SMALL);
    await published(c, 'file:///abuse/baseline/nginx.conf', 1);
    await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///abuse/baseline/nginx.conf' }, position: { line: 5, character: 28 } });
    await sleep(500);
    baselineRss = rss(c.child.pid!);
    sampler = setInterval(() => {
      if (c.child.exitCode === null) peakRss = Math.max(peakRss, rss(c.child.pid!));
    }, 50);
  });
  after(async () => {
    clearInterval(sampler);
    try {
      await Promise.race([c.connection.sendRequest(ShutdownRequest.type), sleep(3000)]);
      await c.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    c.connection.dispose();
    if (c.child.exitCode === null) c.child.kill('SIGKILL');
  });

  it('answers invalid params with a result or a proper error', async () => {
    const uri = 'file:///abuse/invalid/nginx.conf';
    open(c, uri, 'nginx', SMALL);
    await published(c, uri, 1);
    const calls: [string, unknown][] = [
      ['textDocument/hover', {}],
      ['textDocument/hover', { textDocument: { uri }, position: null }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 'x', character: {} } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: -5, character: -1 } }],
      ['textDocument/hover', { textDocument: null, position: { line: 0, character: 0 } }],
      ['textDocument/codeAction', { textDocument: { uri }, range: null, context: null }],
      ['textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 9, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [{ nonsense: true }] } }],
      ['textDocument/documentLink', { textDocument: 42 }],
      ['statuslens/symbolAt', { uri: 5, position: 'here' }],
      ['statuslens/getPage', { id: { not: 'a string' } }],
      ['statuslens/renderPage', null],
    ];
    for (const [method, params] of calls) {
      const r = await answer(c.connection.sendRequest(method, params));
      if (r.error) assert.ok(typeof r.error.code === 'number' && r.error.message, `${method}: an error without code or message`);
    }
    // The same server still works.
    const hover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 5, character: 28 } });
    assert.match(JSON.stringify(hover), /410/);
  });

  it('answers positions past the end and ranges beyond the document', async () => {
    const uri = 'file:///abuse/past/nginx.conf';
    open(c, uri, 'nginx', SMALL);
    await published(c, uri, 1);
    for (const position of [{ line: 7, character: 500 }, { line: 10_000, character: 0 }, { line: 2 ** 31 - 1, character: 2 ** 31 - 1 }]) {
      assert.equal(await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), null);
    }
    const actions = await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 99_999, character: 99_999 } }, context: { diagnostics: [] } });
    assert.ok(Array.isArray(actions));
  });

  it('answers unknown requests with MethodNotFound and ignores unknown notifications', async () => {
    const r = await answer(c.connection.sendRequest('statuslens/noSuchMethod', { x: 1 }));
    assert.equal(r.error?.code, ErrorCodes.MethodNotFound);
    await c.connection.sendNotification('statuslens/noSuchNotification', { x: 1 });
    await c.connection.sendNotification('$/noSuchThing', {});
    assert.equal(await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///abuse/nowhere.conf' }, position: { line: 0, character: 0 } }), null);
  });

  it('analyses a binary file without failing', async () => {
    let seed = 7;
    const bytes = Buffer.from(Buffer.alloc(256 * 1024, 0).map(() => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff));
    const text = bytes.toString('latin1') + '\ud800\udfff\uffff\u0000';
    for (const [uri, languageId] of [['file:///abuse/bin/nginx.conf', 'nginx'], ['file:///abuse/bin/.htaccess', 'apacheconf'], ['file:///abuse/bin/app.js', 'javascript']] as const) {
      open(c, uri, languageId, text);
      const diagnostics = await published(c, uri, 1, 60_000);
      assert.ok(Array.isArray(diagnostics.diagnostics));
      const r = await answer(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 3 } }));
      assert.equal(r.error, undefined, `hover in a binary ${languageId} file failed: ${r.error?.message}`);
      await c.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    }
  });

  it('debounces 1,000 didChange in a burst and never publishes stale diagnostics', async () => {
    const uri = 'file:///abuse/burst/nginx.conf';
    const since = c.published.length;
    open(c, uri, 'nginx', 'server {\n    location / {\n        allow 127.0.0.1;\n    }\n}\n');
    await published(c, uri, 1, 30_000, since);
    // 1,000 edits, each adding one character to a comment on line 0; the last one swaps in a finding.
    for (let v = 2; v <= 1000; v++) {
      void c.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: v === 2 ? '#' : 'x' }] });
    }
    await c.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 1001 },
      contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '        deny all;\n' }],
    });
    const last = await published(c, uri, 1001, 30_000, since);
    await sleep(600);
    const mine = c.published.slice(since).filter((p) => p.params.uri === uri).map((p) => p.params);
    const versions = mine.map((p) => p.version ?? -1);
    assert.ok(mine.length <= 4, `debounced: ${mine.length} publications for 1,000 edits (versions ${versions.join(', ')})`);
    assert.deepEqual([...versions].sort((a, b) => a - b), versions, `published out of order: ${versions.join(', ')}`);
    assert.equal(versions[versions.length - 1], 1001, 'the newest version is the last one published');
    assert.ok(last.diagnostics.some((d) => d.code === 'nginx/allow-after-deny-all'), 'the diagnostics are those of the final text');
  });

  it('analyses a 10 MB file only up to the limit, says so once, and stays responsive', async () => {
    const uri = 'file:///abuse/big/nginx.conf';
    const text = nginxConfig(10 * 1024 * 1024);
    const since = c.published.length;
    const messagesBefore = c.messages.length;
    open(c, uri, 'nginx', text);
    // While it is analysed, a small document still gets its answer.
    const t0 = Date.now();
    const small = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///abuse/baseline/nginx.conf' }, position: { line: 5, character: 28 } });
    const waited = Date.now() - t0;
    assert.match(JSON.stringify(small), /410/);
    console.log(`abuse: a hover on a small file waited ${waited} ms behind the 10 MB file's analysis`);
    assert.ok(waited < 15_000, `a hover waited ${waited} ms behind the 10 MB file`);
    const first = await published(c, uri, 1, 60_000, since);
    assert.ok(first.diagnostics.length > 0, 'the head of the file is analysed');
    const lastLine = text.slice(0, LIMIT).split('\n').length;
    assert.ok(first.diagnostics.every((d) => d.range.end.line <= lastLine), 'no diagnostics past the limit');
    // Hover: in the head yes, past the limit no.
    const headHover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 5, character: 26 } });
    assert.match(JSON.stringify(headHover), /410/);
    const lines = text.split('\n');
    const tailLine = lines.length - 3;
    const tailHover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: tailLine, character: lines[tailLine]!.indexOf('410') + 1 } });
    assert.equal(tailHover, null);
    // An edit: analysed again, and not told again.
    await c.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }] });
    await published(c, uri, 2, 60_000, since);
    await sleep(300);
    const told = c.messages.slice(messagesBefore).filter((m) => /partial/.test(m.message));
    assert.equal(told.length, 1, `told ${told.length} times: ${told.map((m) => m.message).join(' | ')}`);
    assert.match(told[0]!.message, /nginx\.conf/);
    assert.match(told[0]!.message, /4\.0 MB/);

    // A request cancelled mid-flight (the hover waits for a new version's analysis) is still answered.
    await c.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }] });
    const source = new CancellationTokenSource();
    const pending = answer(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 26 } }, source.token));
    source.cancel();
    const cancelled = await pending;
    if (cancelled.error) assert.equal(cancelled.error.code, LSPErrorCodes.RequestCancelled);
    await c.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('is alive after all that, and its memory comes back near the baseline', async () => {
    clearInterval(sampler);
    assert.ok(peakRss > baselineRss + 100 * 1024 * 1024, `the 10 MB file should have cost memory (peak ${peakRss}, baseline ${baselineRss})`);
    assert.equal(c.child.exitCode, null, `the server exited: ${c.stderr().slice(-2000)}`);
    const hover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///abuse/baseline/nginx.conf' }, position: { line: 5, character: 28 } });
    assert.match(JSON.stringify(hover), /410/);
    const links = await c.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: 'file:///abuse/baseline/nginx.conf' } });
    assert.ok(Array.isArray(links));
    // Near the baseline: within 100 MB of it, and at least half of what the big file took given
    // back. Not all of it: code run for the first time stays mapped, and malloc keeps freed pages
    // (60-65 MB here), which no JavaScript can hand back. A leaked analysis (+130 MB and more) or
    // no collection while idle (+270 MB) fails.
    const allowed = baselineRss + Math.min(100 * 1024 * 1024, 0.5 * (peakRss - baselineRss));
    let now = rss(c.child.pid!);
    let waited = 0;
    for (; waited < 20 && now > allowed; waited += 0.5) {
      await sleep(500);
      now = rss(c.child.pid!);
    }
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(`abuse: server RSS baseline ${mb(baselineRss)} MB, peak ${mb(peakRss)} MB with the 10 MB file, ${mb(now)} MB after ${waited} s idle (allowed ${mb(allowed)} MB)`);
    assert.ok(now <= allowed, `RSS ${mb(now)} MB after ${waited} s idle; baseline ${mb(baselineRss)} MB, peak ${mb(peakRss)} MB`);
  });
});
