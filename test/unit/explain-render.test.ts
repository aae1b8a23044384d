/**
 * Knowledge-base pages as HTML for the Explain view (server/src/kb/html.ts): what a page
 * needs survives, nothing executable does, and page links become our own links only.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { renderPage, renderPageHtml, resolvePageLink, slug, type RenderOptions } from '../../server/src/kb/html';
import { commandUri } from '../../server/src/protocol';
import { projectKb } from '../support/service';

/** Plain hrefs, so any `command:` in the output can only have come from the page itself. */
const options = (pageId: string, known: string[] = [], prefix?: string): RenderOptions => ({
  pageId,
  exists: (id) => known.includes(id),
  links: { page: (id, fragment) => `page:${id}${fragment ? `#${fragment}` : ''}`, compare: (a, b) => `compare:${a}|${b}` },
  ...(prefix ? { prefix } : {}),
});

const HOSTILE = `# Hostile

<script>alert(1)</script>

<SCRIPT SRC="https://evil.example/x.js"></SCRIPT>

<img src=x onerror=alert(2)>

<iframe src="https://evil.example"></iframe>

<style>body { display: none }</style>

<a href="javascript:alert(3)">raw anchor</a>

<div onclick="alert(4)">raw div</div>

[plain](javascript:alert(5)) [upper](JAVASCRIPT:alert(6)) [entity](jav&#x61;script:alert(7))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==) [vb](vbscript:msgbox(9))
[cmd](command:workbench.action.terminal.new) [ours](command:statuslens.explain?%5B%22status%2F403%22%5D)
<javascript:alert(10)> ![img](https://evil.example/track.png)

[ref][r]

[r]: javascript:alert(11)
`;

describe('Explain view HTML: sanitizing', () => {
  const { html } = renderPageHtml(HOSTILE, options('status/403'));

  it('leaves no script, no event handler and no embedded content', () => {
    assert.doesNotMatch(html, /<script/i);
    // `alert(` may remain as visible text (an autolink's label), never inside markup.
    assert.doesNotMatch(html, /<[^>]*alert\(/);
    assert.doesNotMatch(html, /\bon[a-z]+\s*=/i);
    assert.doesNotMatch(html, /<(iframe|img|style|div onclick|object|embed)/i);
  });

  it('keeps the text of unsafe links but not their targets', () => {
    assert.doesNotMatch(html, /href="[^"]*(javascript|vbscript|data):/i);
    for (const text of ['plain', 'upper', 'entity', 'data', 'vb', 'cmd', 'ours', 'ref']) assert.match(html, new RegExp(`\\b${text}\\b`), text);
    assert.doesNotMatch(html, /href="(?!page:|compare:|#)/, 'every remaining href is one we generated');
  });

  it('never passes a command: link written in a page, not even one of ours', () => {
    assert.doesNotMatch(html, /command:/);
  });
});

describe('Explain view HTML: what pages need', () => {
  const page = `# 403 Forbidden

## Summary

Send [401 Unauthorized](401.md) instead; see [Causes](#causes), [deny](../directives/nginx/deny.md#example)
and [RFC 9110](https://www.rfc-editor.org/rfc/rfc9110). A [gone page](499.md) has no page.

## Causes

| log line | cause |
| --- | :-- |
| \`access forbidden by rule\` | **deny** matched |

\`\`\`nginx
location /admin/ {
    deny all;
}
\`\`\`

- nested:

  \`\`\`apache
  Require all granted
  \`\`\`

## Compared with

- [401 Unauthorized](401.md): 401 asks for credentials.
- [404 Not Found](404.md): 404 hides the resource.
- [deny](../directives/nginx/deny.md): not a status, no comparison.

## Causes
`;
  const known = ['status/401', 'status/404', 'directive/nginx/deny'];
  const result = renderPageHtml(page, options('status/403', known));
  const { html } = result;

  it('gives headings unique GitHub-style ids', () => {
    assert.match(html, /<h1 id="403-forbidden">403 Forbidden<\/h1>/);
    assert.match(html, /<h2 id="summary">/);
    assert.match(html, /<h2 id="causes">Causes/);
    assert.match(html, /<h2 id="causes-1">Causes/);
  });

  it('renders GFM tables (in a scrolling wrapper) and fenced code with its language', () => {
    assert.match(html, /<div class="table-wrap"><table>\s*<thead>/);
    assert.match(html, /<th align="left">cause<\/th>/);
    assert.match(html, /<code>access forbidden by rule<\/code>/);
    assert.match(html, /<pre><code class="language-nginx">location \/admin\/ \{/);
  });

  it('turns page links into the view\'s links, keeps fragments and web links, unwraps unknown pages', () => {
    assert.match(html, /<a href="page:status\/401" class="page-link" data-page="status\/401">401 Unauthorized<\/a>/);
    assert.match(html, /<a href="page:directive\/nginx\/deny#example"/);
    assert.match(html, /<a href="#causes">Causes<\/a>/);
    assert.match(html, /<a href="https:\/\/www.rfc-editor.org\/rfc\/rfc9110" title="https:\/\/www.rfc-editor.org\/rfc\/rfc9110">RFC 9110<\/a>/);
    assert.match(html, /A gone page has no page/);
  });

  it('puts a copy button on every snippet and keeps the exact text to copy', () => {
    assert.deepEqual(result.snippets, ['location /admin/ {\n    deny all;\n}', 'Require all granted']);
    assert.match(html, /<div class="snippet"><button type="button" class="copy" data-snippet="0" title="Copy to clipboard">Copy<\/button><pre>/);
    assert.match(html, /data-snippet="1"/);
  });

  it('collects "Compared with" items by status and links each to a side-by-side view', () => {
    assert.deepEqual(result.comparisons.map((c) => c.id), ['status/401', 'status/404']);
    assert.match(result.comparisons[0]!.html, /^<a href="page:status\/401"[^>]*>401 Unauthorized<\/a>: 401 asks for credentials\.$/);
    assert.match(html, /<a href="compare:status\/403\|status\/401" class="compare-link">Compare side by side<\/a>/);
    assert.doesNotMatch(html, /compare:status\/403\|directive/);
  });

  it('prefixes ids, fragments and snippet keys when two pages share the view', () => {
    const prefixed = renderPageHtml(page, options('status/403', known, 'b-'));
    assert.match(prefixed.html, /<h2 id="b-summary">/);
    assert.match(prefixed.html, /<a href="#b-causes">/);
    assert.match(prefixed.html, /data-snippet="b-0"/);
    assert.doesNotMatch(prefixed.html, /id="summary"/);
  });
});

describe('Explain view HTML: page links', () => {
  it('resolves relative links from where the page sits in content/', () => {
    assert.deepEqual(resolvePageLink('status/403', '401.md'), { id: 'status/401' });
    assert.deepEqual(resolvePageLink('status/403', '../directives/apache/Require.md#syntax'), { id: 'directive/apache/Require', fragment: 'syntax' });
    assert.deepEqual(resolvePageLink('directive/nginx/deny', '../../status/403.md'), { id: 'status/403' });
    assert.deepEqual(resolvePageLink('directive/nginx/deny', 'allow.md'), { id: 'directive/nginx/allow' });
    assert.deepEqual(resolvePageLink('rule/nginx/allow-after-deny-all', '../../directives/nginx/allow.md'), { id: 'directive/nginx/allow' });
    assert.equal(resolvePageLink('status/403', 'https://example.com/401.md'), undefined);
    assert.equal(resolvePageLink('status/403', '#causes'), undefined);
    assert.equal(resolvePageLink('status/403', 'notes.txt'), undefined);
    assert.equal(resolvePageLink('status/403', '/etc/passwd'), undefined);
  });

  it('slugs headings like GitHub', () => {
    assert.equal(slug('Retry and caching'), 'retry-and-caching');
    assert.equal(slug('CDN/WAF'), 'cdnwaf');
    assert.equal(slug('`limit_req` & friends'), 'limit_req--friends');
  });
});

describe('Explain view HTML: the real 403 page', () => {
  const kb = projectKb();
  const page = kb.status(403);

  it('links to 401 and 404 with command URIs of the Explain view, and compares with them', () => {
    assert.ok(page, 'content/status/403.md');
    const result = renderPage(page, kb);
    assert.equal(result.title, '403 Forbidden');
    assert.equal(result.code, 403);
    assert.ok(result.html.includes(`href="${commandUri('statuslens.explain', ['status/401'])}"`));
    assert.ok(result.html.includes('href="command:statuslens.explain?%5B%22status%2F404%22%5D"'));
    assert.ok(result.html.includes(`href="${commandUri('statuslens.compare', ['status/403', 'status/401'])}"`));
    assert.deepEqual(result.comparisons.slice(0, 2).map((c) => c.id), ['status/401', 'status/404']);
    assert.deepEqual(result.related.slice(0, 2), ['status/401', 'status/404']);
    assert.ok(result.snippets.length >= 5, 'the deep page has config snippets');
    assert.ok(result.snippets.every((s) => s.length > 0 && !s.endsWith('\n')));
  });

  it('renders every page of the knowledge base without a script or an unresolved page link', () => {
    for (const p of kb.pages) {
      const { html } = renderPage(p, kb);
      assert.doesNotMatch(html, /<script|javascript:/i, p.id);
      // Relative .md links either became command links or lost their href.
      assert.doesNotMatch(html, /href="[^"]*\.md[#"]/, p.id);
    }
  });
});
