/**
 * The Explain view's HTML document. Pure: no `vscode` import, so unit tests build it directly.
 *
 * Security model: page bodies arrive sanitized from the server (server/src/kb/html.ts); every
 * other string here is escaped. The Content Security Policy allows our stylesheet, one script
 * file carrying a fresh nonce, and nothing inline. Navigation needs no script at all: links are
 * `command:` URIs the webview only runs for the commands listed in `enableCommandUris`.
 */
import { commandUri, type RenderPageResult } from '../../../server/src/protocol';
import { Commands } from '../commandIds';

/** What the view shows; also the state saved with the view and restored after a reload. */
export type ExplainView =
  | { kind: 'page'; id: string; anchor?: string }
  | { kind: 'compare'; left: string; right: string };

export type ExplainContent =
  | { kind: 'page'; view: ExplainView & { kind: 'page' }; page: RenderPageResult | null }
  | { kind: 'compare'; view: ExplainView & { kind: 'compare' }; left: RenderPageResult | null; right: RenderPageResult | null }
  | { kind: 'error'; view: ExplainView; message: string };

export interface DocumentResources {
  /** `webview.cspSource`: where our stylesheet and script may be loaded from. */
  cspSource: string;
  styleUri: string;
  scriptUri: string;
  /** A fresh random value per rendering. */
  nonce: string;
  canGoBack: boolean;
  /** A different view than before: start at the top (the webview host would keep the old scroll). */
  resetScroll?: boolean;
}

/** Prefixes that keep heading ids and snippet keys apart when two pages share the view. */
export const COMPARE_PREFIX = { left: 'a-', right: 'b-' } as const;

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function explainDocument(content: ExplainContent, resources: DocumentResources): string {
  const title = viewTitle(content);
  const body =
    content.kind === 'page' ? pageBody(content.view, content.page, resources)
    : content.kind === 'compare' ? compareBody(content, resources)
    : `${toolbar([backLink(resources)])}<main><h1>StatusLens could not show this page</h1><p>${escapeHtml(content.message)}</p></main>`;
  const anchor = content.view.kind === 'page' && content.view.anchor ? ` data-anchor="${escapeHtml(content.view.anchor)}"` : '';
  const scroll = resources.resetScroll ? ' data-scroll="top"' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(resources.cspSource, resources.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(resources.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body class="${content.kind}" data-state="${escapeHtml(JSON.stringify(content.view))}"${anchor}${scroll}>
${body}
<script nonce="${escapeHtml(resources.nonce)}" src="${escapeHtml(resources.scriptUri)}"></script>
</body>
</html>`;
}

/** The panel's tab title: "403 Forbidden", "403 vs 401". */
export function viewTitle(content: ExplainContent): string {
  if (content.kind === 'page') return content.page?.title ?? `No page: ${content.view.id}`;
  if (content.kind === 'compare') return `${shortName(content.left, content.view.left)} vs ${shortName(content.right, content.view.right)}`;
  return 'StatusLens';
}

function pageBody(view: ExplainView & { kind: 'page' }, page: RenderPageResult | null, resources: DocumentResources): string {
  if (!page) return `${toolbar([backLink(resources)])}<main>${missingPage(view.id)}</main>`;
  const links = [
    backLink(resources),
    page.kind === 'status' ? link(commandUri(Commands.compare, [page.id]), 'Compare with…', 'Show this code and another side by side') : '',
    link(commandUri(Commands.openPageMarkdown, [page.id]), 'Open as Markdown', 'The page source, to copy or to start a team page from'),
  ];
  return `${toolbar(links)}<main class="page" data-page="${escapeHtml(page.id)}">${page.html}</main>`;
}

function compareBody(content: ExplainContent & { kind: 'compare' }, resources: DocumentResources): string {
  const { left, right, view } = content;
  const links = [
    backLink(resources),
    link(commandUri(Commands.compare, [view.right, view.left]), 'Swap sides'),
    link(commandUri(Commands.compare, [view.left]), `Compare ${shortName(left, view.left)} with…`),
  ];
  const leftSays = left?.comparisons.find((c) => c.id === view.right);
  const rightSays = right?.comparisons.find((c) => c.id === view.left);
  const apart = [leftSays && left ? said(left, leftSays.html) : '', rightSays && right ? said(right, rightSays.html) : ''].join('');
  const column = (page: RenderPageResult | null, id: string, side: 'left' | 'right') =>
    `<section class="column ${side}" data-page="${escapeHtml(id)}">${page ? page.html : missingPage(id)}</section>`;
  return `${toolbar(links)}
<main class="compare">
<h1 class="compare-title">${escapeHtml(left?.title ?? view.left)} <span class="vs">vs</span> ${escapeHtml(right?.title ?? view.right)}</h1>
<aside class="apart">
<h2>How to tell them apart</h2>
${apart || '<p>Neither page compares itself with the other directly; read both Summaries below.</p>'}
</aside>
<div class="columns">
${column(left, view.left, 'left')}
${column(right, view.right, 'right')}
</div>
</main>`;
}

/** One page's "Compared with" sentence about the other, already sanitized HTML. */
function said(page: RenderPageResult, html: string): string {
  return `<blockquote class="said"><p class="from">From the ${escapeHtml(page.title)} page:</p><div>${html}</div></blockquote>`;
}

function missingPage(id: string): string {
  const status = /^status\/(\d{3})$/.exec(id);
  if (!status) return `<h1>No page</h1><p>The knowledge base has no page <code>${escapeHtml(id)}</code>.</p>`;
  const code = Number(status[1]);
  const cls = Math.floor(code / 100);
  if (cls < 1 || cls > 5) {
    return `<h1>${code}</h1><p>${code} is outside the ranges HTTP defines (100-599, RFC 9110 §15). Clients cannot even tell its class.</p>`;
  }
  const classPage = `status/${cls}00`;
  return `<h1>${code}</h1><p>${code} is not a status StatusLens knows: it is not in the IANA registry, or the knowledge base has no page for it. Clients treat an unknown code as the x00 of its class (RFC 9110 §15), so this one behaves like ${link(commandUri(Commands.explain, [classPage]), `${cls}00`)}.</p>`;
}

function toolbar(items: string[]): string {
  const shown = items.filter(Boolean);
  return shown.length ? `<nav class="toolbar">${shown.join('')}</nav>` : '';
}

function backLink(resources: DocumentResources): string {
  return resources.canGoBack ? link(commandUri(Commands.explainBack, []), '← Back') : '';
}

function link(href: string, text: string, title?: string): string {
  return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(text)}</a>`;
}

/** "403" for a status page, the title otherwise. */
function shortName(page: RenderPageResult | null, id: string): string {
  if (page?.code !== undefined) return String(page.code);
  return page?.title ?? id.replace(/^status\//, '');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
