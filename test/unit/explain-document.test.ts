/**
 * The Explain view's webview document (client/src/explain/document.ts): a strict Content
 * Security Policy, one nonce'd script file, escaped text, and the page and compare layouts.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, explainDocument, type DocumentResources } from '../../client/src/explain/document';
import { renderPage } from '../../server/src/kb/html';
import type { RenderPageResult } from '../../server/src/protocol';
import { projectKb } from '../support/service';

const resources: DocumentResources = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/explain.css',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/explain.js',
  nonce: 'bm9uY2Utbm9uY2Utbm9uY2U=',
  canGoBack: false,
};

const kb = projectKb();
const page = (code: number, prefix = ''): RenderPageResult => renderPage(kb.status(code)!, kb, prefix);

/** The CSP as the document declares it, directive by directive. */
function declaredCsp(html: string): Map<string, string> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the document declares a CSP');
  return new Map(content.replace(/&#39;/g, "'").split(';').map((d) => d.trim().split(/\s+(.*)/s).slice(0, 2) as [string, string]));
}

describe('Explain view document: security', () => {
  const html = explainDocument({ kind: 'page', view: { kind: 'page', id: 'status/403' }, page: page(403) }, resources);

  it('declares a CSP that denies by default and allows no inline script or style', () => {
    const csp = declaredCsp(html);
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(csp.get('script-src'), `'nonce-${resources.nonce}'`);
    assert.equal(csp.get('style-src'), resources.cspSource);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('loads exactly one script, from a file, with the nonce, and has no inline script or handler', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0]![1], ` nonce="${resources.nonce}" src="${resources.scriptUri}"`);
    assert.equal(scripts[0]![2], '', 'no inline code');
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /\sstyle=/i);
  });

  it('escapes what it writes itself (titles, ids, messages)', () => {
    const error = explainDocument({ kind: 'error', view: { kind: 'page', id: 'status/403' }, message: '<img src=x onerror=alert(1)> & "quotes"' }, resources);
    assert.ok(error.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;'));
    assert.doesNotMatch(error, /<img/);
    const missing = explainDocument({ kind: 'page', view: { kind: 'page', id: 'rule/nginx/"><script>' }, page: null }, resources);
    assert.doesNotMatch(missing, /<script>/);
  });
});

describe('Explain view document: layouts', () => {
  it('shows a page with its toolbar: Compare with…, Open as Markdown, and Back only when there is history', () => {
    const first = explainDocument({ kind: 'page', view: { kind: 'page', id: 'status/403' }, page: page(403) }, resources);
    assert.match(first, /<title>403 Forbidden<\/title>/);
    assert.match(first, /<h1 id="403-forbidden">403 Forbidden<\/h1>/);
    assert.ok(first.includes('href="command:statuslens.compare?%5B%22status%2F403%22%5D"'));
    assert.ok(first.includes('href="command:statuslens.openPageMarkdown?%5B%22status%2F403%22%5D"'));
    assert.doesNotMatch(first, /statuslens\.explainBack/);
    const later = explainDocument({ kind: 'page', view: { kind: 'page', id: 'status/403' }, page: page(403) }, { ...resources, canGoBack: true });
    assert.match(later, /<a href="command:statuslens.explainBack\?%5B%5D">← Back<\/a>/);
  });

  it('saves what it shows as state for a reload', () => {
    const html = explainDocument({ kind: 'page', view: { kind: 'page', id: 'status/404', anchor: 'causes' }, page: page(404) }, resources);
    assert.match(html, /data-state="\{&quot;kind&quot;:&quot;page&quot;,&quot;id&quot;:&quot;status\/404&quot;,&quot;anchor&quot;:&quot;causes&quot;\}"/);
    assert.match(html, /data-anchor="causes"/);
  });

  it('compares 403 and 401 side by side, with what each page says about the other', () => {
    const html = explainDocument(
      { kind: 'compare', view: { kind: 'compare', left: 'status/403', right: 'status/401' }, left: page(403, 'a-'), right: page(401, 'b-') },
      resources,
    );
    assert.match(html, /<title>403 vs 401<\/title>/);
    assert.match(html, /403 Forbidden <span class="vs">vs<\/span> 401 Unauthorized/);
    assert.match(html, /From the 403 Forbidden page:<\/p><div><a [^>]*data-page="status\/401">401 Unauthorized<\/a>/);
    assert.match(html, /From the 401 Unauthorized page:<\/p><div><a [^>]*data-page="status\/403">403 Forbidden<\/a>/);
    assert.match(html, /<section class="column left" data-page="status\/403"><h1 id="a-403-forbidden">/);
    assert.match(html, /<section class="column right" data-page="status\/401"><h1 id="b-401-unauthorized">/);
    assert.ok(html.includes('href="command:statuslens.compare?%5B%22status%2F401%22%2C%22status%2F403%22%5D">Swap sides'));
  });

  it('explains an unknown code by its class instead of failing', () => {
    const html = explainDocument({ kind: 'page', view: { kind: 'page', id: 'status/499' }, page: null }, resources);
    assert.match(html, /<title>No page: status\/499<\/title>/);
    assert.match(html, /behaves like <a href="command:statuslens.explain\?%5B%22status%2F400%22%5D">400<\/a>/);
  });

  it('keeps the content security policy builder in step with the document', () => {
    assert.equal(declaredCsp(explainDocument({ kind: 'error', view: { kind: 'page', id: 'x' }, message: 'm' }, resources)).size, contentSecurityPolicy('s', 'n').split(';').length);
  });
});
