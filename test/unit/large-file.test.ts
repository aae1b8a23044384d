/** The large-file policy of the service: above `maxAnalysedBytes` only the head of a document is analysed. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nginxLanguage } from '../../server/src/languages/nginx';
import { createLanguageService } from '../../server/src/service';
import { projectKb } from '../support/service';

const block = (i: number) => `server {\n    listen 80${i % 10};\n    location /a${i}/ {\n        deny all;\n        allow 10.0.0.${i % 255};\n    }\n    location = /gone${i} { return 410; }\n}\n`;
const text = Array.from({ length: 200 }, (_, i) => block(i)).join('');
const LIMIT = 16 * 1024;

describe('large-file policy', () => {
  it('analyses only the head of a document above the limit, up to a line break', async () => {
    const ls = createLanguageService({ kb: projectKb(), maxAnalysedBytes: LIMIT });
    const doc = TextDocument.create('file:///big/nginx.conf', 'nginx', 1, text);
    const partial = ls.partialAnalysis(doc);
    assert.ok(partial, 'a document above the limit is partial');
    assert.equal(partial.totalBytes, Buffer.byteLength(text));
    assert.equal(partial.limit, LIMIT);
    assert.ok(partial.analysedBytes <= LIMIT && partial.analysedBytes > LIMIT - 200, `analysed ${partial.analysedBytes}`);
    assert.equal(text[partial.analysedBytes - 1], '\n', 'the cut falls after a line break');

    const findings = await ls.findings(doc);
    const full = await createLanguageService({ kb: projectKb() }).findings(TextDocument.create('file:///big/nginx.conf', 'nginx', 1, text));
    const denyFull = full.filter((f) => f.ruleId === 'nginx/allow-after-deny-all');
    const deny = findings.filter((f) => f.ruleId === 'nginx/allow-after-deny-all');
    assert.ok(deny.length > 0 && deny.length < denyFull.length, `head findings ${deny.length} of ${denyFull.length}`);
    assert.ok(findings.every((f) => f.end <= partial.analysedBytes), 'every finding lies in the analysed head');
    assert.ok(!findings.some((f) => f.ruleId.endsWith('/syntax')), 'the cut itself is not reported as a syntax error');

    // Hovers work in the head and quietly give nothing past it.
    const head = doc.positionAt(text.indexOf('return 410') + 8);
    assert.ok(await ls.doHover(doc, head), 'hover in the analysed head');
    const tail = doc.positionAt(text.lastIndexOf('return 410') + 8);
    assert.equal(await ls.doHover(doc, tail), null);
  });

  it('leaves documents at or under the limit whole, and has no limit unless asked', async () => {
    const small = TextDocument.create('file:///small/nginx.conf', 'nginx', 1, block(1));
    assert.equal(createLanguageService({ kb: projectKb(), maxAnalysedBytes: LIMIT }).partialAnalysis(small), undefined);
    const exact = TextDocument.create('file:///exact/nginx.conf', 'nginx', 1, 'x'.repeat(LIMIT - 1) + '\n');
    assert.equal(createLanguageService({ kb: projectKb(), maxAnalysedBytes: LIMIT }).partialAnalysis(exact), undefined);
    const big = TextDocument.create('file:///big/nginx.conf', 'nginx', 1, text);
    assert.equal(createLanguageService({ kb: projectKb() }).partialAnalysis(big), undefined);
  });

  it('counts UTF-8 bytes, never splits a character, and cuts a single huge line inside the limit', async () => {
    const ls = createLanguageService({ kb: projectKb(), maxAnalysedBytes: 1000 });
    // 600 characters of 2 bytes each, no line break at all.
    const doc = TextDocument.create('file:///u/nginx.conf', 'nginx', 1, `# ${'é'.repeat(600)}`);
    const partial = ls.partialAnalysis(doc);
    assert.ok(partial);
    assert.equal(partial.totalBytes, 2 + 1200);
    assert.ok(partial.analysedBytes <= 1000 && partial.analysedBytes >= 999, `analysed ${partial.analysedBytes}`);
    // Surrogate pairs (4 bytes) are kept whole.
    const emoji = TextDocument.create('file:///e/nginx.conf', 'nginx', 1, '😀'.repeat(300));
    const p2 = ls.partialAnalysis(emoji);
    assert.ok(p2);
    assert.equal(p2.analysedBytes % 4, 0);
    assert.deepEqual(await ls.findings(emoji), []);
  });

  it('never starts an analysis when asked whether one is partial (a closed document stays forgotten)', async () => {
    let parses = 0;
    const counting = { ...nginxLanguage, parse: (...args: Parameters<typeof nginxLanguage.parse>) => (parses++, nginxLanguage.parse(...args)) };
    const ls = createLanguageService({ kb: projectKb(), maxAnalysedBytes: LIMIT, languages: { nginx: counting } });
    const doc = TextDocument.create('file:///big/nginx.conf', 'nginx', 1, text);
    await ls.findings(doc);
    assert.equal(parses, 1);
    ls.forget(doc.uri);
    assert.ok(ls.partialAnalysis(doc));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(parses, 1, 'partialAnalysis parsed the document again');
  });
});
