/** The bundled server, spawned over stdio, answers like a language server should. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidChangeTextDocumentNotification, HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { SERVER, startServer, type TestClient } from '../support/lspClient';

const hoverText = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');

/** Writes `files` (relative path → text) into a new temporary folder; returns it and each file's URI. */
function tempConfigs(files: Record<string, string>): { dir: string; uri: (rel: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-configs-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return { dir, uri: (rel) => pathToFileURL(path.join(dir, rel)).href };
}

describe('language server over stdio', () => {
  let client: TestClient;
  before(async () => {
    client = await startServer();
  });
  after(async () => {
    await client.close();
  });

  it('answers a hover on `return 403;` in an nginx file with the 403 page', async () => {
    const uri = 'file:///tmp/statuslens-lsp/nginx.conf';
    client.open(uri, 'nginx', 'server {\n    listen 8080;\n    location / { return 403; }\n}\n');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 25 } });
    assert.match(hoverText(hover), /403 Forbidden/);
    assert.deepEqual(hover?.range, { start: { line: 2, character: 24 }, end: { line: 2, character: 27 } });
  });

  it('gives no hover on a number that is not a status (a port)', async () => {
    const uri = 'file:///tmp/statuslens-lsp/port.conf';
    client.open(uri, 'nginx', 'server {\n    listen 403;\n}\n');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 12 } });
    assert.equal(hover, null);
  });

  it('publishes diagnostics with source, rule code and documentation link, and offers the quick fix', async () => {
    const uri = 'file:///tmp/statuslens-lsp/deny.conf';
    const text = 'server {\n    location / {\n        deny all;\n        allow 127.0.0.1;\n    }\n}\n';
    client.open(uri, 'nginx', text);
    const { diagnostics } = await client.diagnostics(uri);
    const d = diagnostics.find((x) => x.code === 'nginx/allow-after-deny-all');
    assert.ok(d, `expected nginx/allow-after-deny-all in ${JSON.stringify(diagnostics)}`);
    assert.equal(d.source, 'statuslens');
    assert.match(d.codeDescription?.href ?? '', /^file:\/\/.*\/content\/rules\/nginx\/allow-after-deny-all\.md$/);
    const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const titles = (actions ?? []).map((a) => a.title);
    assert.ok(titles.includes('Move `deny all;` after the last allow'), titles.join(' | '));
    assert.ok(titles.includes('Disable nginx/allow-after-deny-all for this line'), titles.join(' | '));
  });

  it('survives a hover past the end of a document and on an unknown document', async () => {
    const uri = 'file:///tmp/statuslens-lsp/short.conf';
    client.open(uri, 'nginx', 'return 403;');
    const past = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 40, character: 3 } });
    assert.equal(past, null);
    const unknown = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///nope.conf' }, position: { line: 0, character: 0 } });
    assert.equal(unknown, null);
    assert.equal(client.process.exitCode, null, 'the server must still be running');
  });
});

describe('language server command line', () => {
  it('refuses to start without a transport and says how to call it', () => {
    const r = spawnSync(process.execPath, [SERVER], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: statuslens-language-server --stdio/);
  });
});

describe('language server: configs that depend on each other', () => {
  it('re-judges an open snippet when the open nginx.conf that includes it changes', async () => {
    const withStatus = 'events {}\nhttp {\n    limit_req_zone $binary_remote_addr zone=z:1m rate=1r/s;\n    limit_req_status 429;\n    include conf.d/*.conf;\n}\n';
    const snippetText = 'server {\n    listen 127.0.0.1:8080;\n    location /api/ {\n        limit_req zone=z;\n    }\n}\n';
    const { dir, uri } = tempConfigs({ 'nginx.conf': withStatus, 'conf.d/api.conf': snippetText });
    const client = await startServer(pathToFileURL(dir).href);
    try {
      const mainUri = uri('nginx.conf');
      const snippetUri = uri('conf.d/api.conf');
      client.open(mainUri, 'nginx', withStatus);
      client.open(snippetUri, 'nginx', snippetText);
      await client.diagnostics(mainUri);
      const before = await client.diagnostics(snippetUri);
      assert.deepEqual(before.diagnostics.map((d) => d.code), [], 'limit_req_status 429 at http level covers the snippet');
      // Remove limit_req_status from the parent, unsaved: the snippet's throttled clients now get 503.
      const without = withStatus.replace('    limit_req_status 429;\n', '');
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: mainUri, version: 2 },
        contentChanges: [{ text: without }],
      });
      let after = await client.diagnostics(snippetUri);
      while (!after.diagnostics.length && after.version !== undefined && after.version < 1) after = await client.diagnostics(snippetUri);
      assert.ok(after.diagnostics.some((d) => d.code === 'nginx/limit-status-503'), JSON.stringify(after.diagnostics));
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('language server: typing re-judges only the configs that read the edited one', () => {
  it('an edit in a config that nothing else read leaves the others alone; an edit in an included snippet re-judges its includer', async () => {
    const mainText = 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n';
    const snippetText = 'server {\n    listen 127.0.0.1:8080;\n    location / { deny all; allow 10.0.0.1; }\n}\n';
    const unrelatedText = 'server {\n    listen 127.0.0.1:8081;\n    location / { return 204; }\n}\n';
    const { dir, uri } = tempConfigs({ 'nginx.conf': mainText, 'conf.d/api.conf': snippetText, 'elsewhere/site.conf': unrelatedText });
    const client = await startServer(pathToFileURL(dir).href);
    const [mainUri, snippetUri, unrelatedUri] = [uri('nginx.conf'), uri('conf.d/api.conf'), uri('elsewhere/site.conf')];
    const edit = (target: string, version: number, text: string) =>
      client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: target, version }, contentChanges: [{ text }] });
    try {
      client.open(mainUri, 'nginx', mainText);
      client.open(snippetUri, 'nginx', snippetText);
      client.open(unrelatedUri, 'nginx', unrelatedText);
      // Opening one re-judges the others that read it: let that settle, then forget what it published.
      const settle = async (uri: string) => {
        for (;;) if ((await client.diagnostics(uri, 600).then(() => 'more', () => 'quiet')) === 'quiet') return;
      };
      await Promise.all([settle(mainUri), settle(snippetUri), settle(unrelatedUri)]);
      // Nothing reads elsewhere/site.conf: only it is judged again.
      await edit(unrelatedUri, 2, unrelatedText.replace('204', '205'));
      await client.diagnostics(unrelatedUri);
      await assert.rejects(client.diagnostics(mainUri, 800), /no diagnostics/);
      await assert.rejects(client.diagnostics(snippetUri, 100), /no diagnostics/);
      // nginx.conf includes conf.d/api.conf: editing the snippet re-judges nginx.conf too.
      await edit(snippetUri, 2, snippetText.replace('deny all; allow 10.0.0.1;', 'allow 10.0.0.1; deny all;'));
      await Promise.all([client.diagnostics(snippetUri), client.diagnostics(mainUri)]);
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('language server: incremental edits', () => {
  it('after a run of edits inside server blocks, the diagnostics are those of a fresh open of the same text', async () => {
    const server = (i: number) => `    server {\n        listen 127.0.0.1:${8000 + i};\n        location / { deny all; allow 10.0.0.${i}; }\n        location = /h { return 204; }\n    }\n`;
    let text = `events {}\nhttp {\n${Array.from({ length: 30 }, (_, i) => server(i)).join('')}}\n`;
    const { dir, uri } = tempConfigs({});
    const client = await startServer(pathToFileURL(dir).href);
    const shape = (d: { diagnostics: { range: unknown; code?: unknown; message: unknown }[] }) => d.diagnostics.map((x) => [x.range, x.code, x.message]);
    try {
      const live = uri('nginx.conf');
      client.open(live, 'nginx', text);
      let last = await client.diagnostics(live);
      // Each edit is a range change (the server's document object changes in place), waited for:
      // allow/deny swapped in one server, and every third edit adds a line.
      for (let version = 2; version <= 16; version++) {
        const lines = text.split('\n');
        const line = lines.findIndex((l) => l.includes(`:${8000 + ((version * 7) % 30)};`)) + 1;
        const current = lines[line]!;
        const swapped = current.includes('{ deny all; allow')
          ? current.replace(/\{ deny all; allow ([\d.]+); \}/, '{ allow $1; deny all; }')
          : current.replace(/\{ allow ([\d.]+); deny all; \}/, '{ deny all; allow $1; }');
        const replacement = version % 3 ? swapped : `${swapped}\n`;
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri: live, version },
          contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: current.length } }, text: replacement }],
        });
        lines[line] = replacement;
        text = lines.join('\n');
        do last = await client.diagnostics(live);
        while (last.version !== version);
      }
      const copy = uri('copy.conf');
      client.open(copy, 'nginx', text);
      const fresh = await client.diagnostics(copy);
      assert.ok(fresh.diagnostics.some((d) => d.code === 'nginx/allow-after-deny-all'), 'the edits left findings to compare');
      assert.deepEqual(shape(last), shape(fresh));
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('language server: team knowledge folders', () => {
  it('a broken page in statuslens.knowledgeBase.paths becomes a diagnostic on that file, and a good one overrides the hover', async () => {
    const { dir } = tempConfigs({
      'status/403.md': '---\nkind: status\ncode: 403\n---\n# 403 Forbidden\n\n## Summary\n\nAt ACME, a 403 comes from WAF rule 9412.\n',
      'status/418.md': '---\nkind: status\ncode: teapot\n---\n# 418\n',
    });
    const client = await startServer(pathToFileURL(os.tmpdir()).href, { knowledgeBase: { paths: [dir] } });
    try {
      const broken = await client.diagnostics(pathToFileURL(path.join(dir, 'status', '418.md')).href);
      const d = broken.diagnostics[0];
      assert.ok(d, 'a diagnostic on the broken page');
      assert.equal(d.code, 'kb/invalid-page');
      assert.equal(d.range.start.line, 2, 'on the line of the bad field');
      assert.match(typeof d.message === "string" ? d.message : d.message.value, /"code" must be a whole number/);
      const uri = 'file:///tmp/statuslens-lsp/team.conf';
      client.open(uri, 'nginx', 'return 403;');
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 8 } });
      assert.match(hoverText(hover), /WAF rule 9412/);
      assert.equal(client.process.exitCode, null);
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
