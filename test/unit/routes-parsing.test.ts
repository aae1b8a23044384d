/**
 * Route-file parsing: qualification before any parse, incremental reuse of the previous tree,
 * symbolic status names in every spelling, and failure to load a grammar never throwing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Parser } from 'web-tree-sitter';
import { loadGrammar, loadGrammarFile } from '../../server/src/parsers/routes/grammars';
import { diffEdit, parseStats, parseWithReuse } from '../../server/src/parsers/routes/incremental';
import { parseRouteFile } from '../../server/src/parsers/routes';
import { looksLikeRouteFile } from '../../server/src/parsers/routes/qualify';
import { codeForName, codeForPrefixedName } from '../../server/src/parsers/routes/statusNames';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { service } from '../support/service';

describe('route-file qualification', () => {
  it('recognises framework imports and response objects', () => {
    assert.ok(looksLikeRouteFile("import express from 'express';", 'javascript'));
    assert.ok(looksLikeRouteFile('module.exports = (req, res) => res.status(403).end();', 'javascript'));
    assert.ok(looksLikeRouteFile("import { NextResponse } from 'next/server';", 'javascript'));
    assert.ok(looksLikeRouteFile('from fastapi import FastAPI', 'python'));
    assert.ok(looksLikeRouteFile('<?php\nabort(403);', 'php'));
    assert.ok(looksLikeRouteFile('class A < ApplicationController\nend', 'ruby'));
    assert.ok(looksLikeRouteFile('import "net/http"', 'go'));
  });
  it('leaves ordinary code alone', () => {
    assert.ok(!looksLikeRouteFile('export function add(a: number, b: number) { return a + b; }', 'javascript'));
    assert.ok(!looksLikeRouteFile('def add(a, b):\n    return a + b\n', 'python'));
    assert.ok(!looksLikeRouteFile('package maths\n\nfunc Add(a, b int) int { return a + b }\n', 'go'));
  });
  it('never parses a file that does not qualify', async () => {
    const before = parseStats.full + parseStats.incremental;
    const file = await parseRouteFile('file:///plain.ts', 'typescript', 'export const x = 403;\nsetTimeout(() => {}, 403);\n');
    assert.equal(file.qualifies, false);
    assert.equal(parseStats.full + parseStats.incremental, before);
  });
});

describe('incremental parsing', () => {
  it('computes the edit between two texts', () => {
    assert.equal(diffEdit('abc', 'abc'), undefined);
    const e = diffEdit('line1\nres.status(403);\n', 'line1\nres.status(401);\n')!;
    assert.deepEqual([e.startIndex, e.oldEndIndex, e.newEndIndex], [19, 20, 20]);
    assert.deepEqual(e.startPosition, { row: 1, column: 13 });
  });

  it('reuses the previous tree and gets the same tree as a fresh parse', async () => {
    const language = (await loadGrammar('typescript'))!;
    const fresh = new Parser();
    fresh.setLanguage(language);
    let text = "import express from 'express';\nconst app = express();\napp.get('/', (req, res) => {\n  if (!req.user) return res.status(403).end();\n  res.send('ok');\n});\n";
    const uri = 'file:///incremental.ts';
    parseWithReuse(uri, 'typescript', language, text);
    const incrementalBefore = parseStats.incremental;
    // Deterministic pseudo-random edits: inserts, deletions, replacements, multi-byte characters.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const pieces = ['403', '401', '\n', ' if (x) { y(); }', "'é😀'", '(', '}', 'res.sendStatus(429);', ''];
    let changes = 0;
    for (let i = 0; i < 60; i++) {
      const start = random(text.length + 1);
      const end = Math.min(text.length, start + random(8));
      const next = text.slice(0, start) + pieces[random(pieces.length)] + text.slice(end);
      if (next !== text) changes++;
      text = next;
      const tree = parseWithReuse(uri, 'typescript', language, text)!;
      const expected = fresh.parse(text)!;
      assert.equal(tree.rootNode.toString(), expected.rootNode.toString(), `edit ${i} diverged`);
      expected.delete();
    }
    assert.equal(parseStats.incremental - incrementalBefore, changes);
    fresh.delete();
  });

  it('keeps hover offsets right after an edit before the status', async () => {
    const uri = 'file:///shift.js';
    const v1 = "const express = require('express');\napp.get('/', (req, res) => res.status(403).end());\n";
    const v2 = "// a comment with é and 😀\n" + v1;
    await parseRouteFile(uri, 'javascript', v1);
    const file = await parseRouteFile(uri, 'javascript', v2);
    const site = file.sites.find((s) => s.code === 403)!;
    assert.equal(v2.slice(site.start, site.end), '403');
  });
});

describe('symbolic status names', () => {
  it('resolves every spelling of the reason phrase', () => {
    const cases: [string, number][] = [
      ['FORBIDDEN', 403], ['Forbidden', 403], ['forbidden', 403], ['unprocessable_entity', 422], ['unprocessable_content', 422],
      ['payload_too_large', 413], ['content_too_large', 413], ['REQUEST_TOO_LONG', 413], ['RequestEntityTooLarge', 413],
      ['TOO_MANY_REQUESTS', 429], ['I_AM_A_TEAPOT', 418], ['IM_A_TEAPOT', 418], ['Teapot', 418], ['MOVED_TEMPORARILY', 302],
      ['URI_TOO_LONG', 414], ['RequestURITooLong', 414], ['requested_range_not_satisfiable', 416], ['ProxyAuthRequired', 407],
      ['NonAuthoritativeInfo', 203], ['HTTPVersionNotSupported', 505],
    ];
    for (const [name, code] of cases) assert.equal(codeForName(name), code, name);
    assert.equal(codeForName('banana'), undefined);
  });
  it('resolves prefixed constants', () => {
    assert.equal(codeForPrefixedName('HTTP_403_FORBIDDEN'), 403);
    assert.equal(codeForPrefixedName('HTTP_401_UNAUTHORIZED'), 401);
    assert.equal(codeForPrefixedName('HTTP_FORBIDDEN'), 403);
    assert.equal(codeForPrefixedName('HTTP_UNPROCESSABLE_ENTITY'), 422);
    assert.equal(codeForPrefixedName('StatusForbidden'), 403);
    assert.equal(codeForPrefixedName('StatusTooManyRequests'), 429);
    assert.equal(codeForPrefixedName('StatusText'), undefined);
  });
});

describe('grammar failures', () => {
  it('gives undefined (no exception) for a missing or broken grammar', async () => {
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'statuslens-')), 'broken.wasm');
    fs.writeFileSync(broken, 'not wasm');
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      assert.equal(await loadGrammarFile('test-missing', undefined), undefined);
      assert.equal(await loadGrammarFile('test-broken', broken), undefined);
      assert.equal(await loadGrammarFile('test-broken', broken), undefined);
    } finally {
      console.error = original;
    }
    assert.equal(errors.filter((e) => e.includes('test-broken')).length, 1, 'logged once');
  });
});

describe('qualification across edits', () => {
  it('notices a framework import added to a plain file, and an edit far from it', async () => {
    const uri = 'file:///edited.ts';
    const plain = Array.from({ length: 400 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    assert.equal((await parseRouteFile(uri, 'typescript', plain)).qualifies, false);
    assert.equal((await parseRouteFile(uri, 'typescript', plain + 'export const w = 1;\n')).qualifies, false);
    const withImport = "import express from 'express';\n" + plain + 'export const w = 1;\n';
    assert.equal((await parseRouteFile(uri, 'typescript', withImport)).qualifies, true);
    const usage = plain.replace('export const v200 = 200;', 'export const h = (req, res) => res.status(403).end();');
    assert.equal((await parseRouteFile('file:///edited2.ts', 'typescript', plain)).qualifies, false);
    const file = await parseRouteFile('file:///edited2.ts', 'typescript', usage);
    assert.equal(file.qualifies, true);
    assert.deepEqual(file.sites.map((s) => s.code), [403]);
  });
});

describe('closing a document', () => {
  it('frees its syntax tree', async () => {
    const { cachedTreeCount } = await import('../../server/src/parsers/routes/incremental');
    const { createLanguageService } = await import('../../server/src/service');
    const { KnowledgeBase } = await import('../../server/src/kb/knowledgeBase');
    const ls = createLanguageService({ kb: new KnowledgeBase([]) });
    const { TextDocument } = await import('vscode-languageserver-textdocument');
    const doc = TextDocument.create('file:///closing.js', 'javascript', 1, "const express = require('express');\nres.status(403);\n");
    await ls.findings(doc);
    const before = cachedTreeCount();
    ls.forget(doc.uri);
    assert.equal(cachedTreeCount(), before - 1);
  });
});

describe('route-file status tables', () => {
  it('read only their own names: `constructor`, `toString` and `valueOf` in code are no status', async () => {
    const ls = service();
    const cases: [string, string, string][] = [
      ['python', 'app.py', 'from flask import Flask\napp = Flask(__name__)\n@app.route("/")\ndef index():\n    return constructor(1)\n'],
      ['python', 'views.py', 'from django.http import HttpResponse\ndef view(request):\n    raise toString\n'],
      ['php', 'Controller.php', '<?php\nuse Symfony\\Component\\HttpKernel\\Exception\\HttpException;\nthrow new valueOf();\n'],
    ];
    for (const [languageId, name, text] of cases) {
      const doc = TextDocument.create(`file:///srv/app/${name}`, languageId, 1, text);
      assert.deepEqual(await ls.findings(doc), [], name);
      const word = /constructor|toString|valueOf/.exec(text)!;
      assert.equal(await ls.doHover(doc, doc.positionAt(word.index + 2)), null, `${name}: no hover on ${word[0]}`);
    }
  });
});
