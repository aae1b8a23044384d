/**
 * Knowledge-base pages as HTML for the Explain view.
 *
 * markdown → remark-parse (+ GFM tables) → remark-rehype → rehype-sanitize → our own
 * transform → rehype-stringify. The sanitizer sees the page exactly as written (a team's page
 * is as untrusted as any markdown) and keeps only inert markup; raw HTML never survives
 * remark-rehype, and `javascript:`-style links lose their href. Only after that does our own
 * transform add what we generate ourselves: heading ids, page links as `command:` URIs,
 * copy buttons for snippets and "compare side by side" links. That order matters: nothing the
 * page author writes can produce a command URI.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeSanitize, { type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import type { Element, ElementContent, Root, RootContent } from 'hast';
import type { KnowledgeBase } from './knowledgeBase';
import { linkedPageId } from './loader';
import type { Page } from './types';
import { CompareCommand, ExplainCommand, commandUri, type RenderPageResult } from '../protocol';

/** Where generated links point. Tests pass plain strings; the server passes `command:` URIs. */
export interface LinkTargets {
  /** The href of a link to another page, optionally to a heading slug on it. */
  page(id: string, fragment?: string): string;
  /** The href of "compare these two side by side"; undefined offers no such link. */
  compare?(leftId: string, rightId: string): string;
}

export interface RenderOptions {
  /** The page's id: relative links resolve against its place in the content layout. */
  pageId: string;
  /** Whether a page id exists; links to missing pages keep their text and lose the link. */
  exists(id: string): boolean;
  links: LinkTargets;
  /** Before heading ids, fragments and snippet keys (two pages in one view). */
  prefix?: string;
}

export interface PageHtml {
  /** Sanitized body HTML. */
  html: string;
  /** Text of each code block; copy button `data-snippet="<prefix>n"` refers to `snippets[n]`. */
  snippets: string[];
  /** Each "Compared with" item as HTML, by the id of the page it compares with, in page order. */
  comparisons: { id: string; html: string }[];
}

/**
 * Only inert markup: what the pages use (headings, lists, tables, code, links, emphasis,
 * quotes) and nothing that runs, loads or styles. No ids from the page (we add our own
 * after sanitizing), no images, no forms, no `style`, no event handlers.
 */
const SANITIZE_SCHEMA: SanitizeSchema = {
  tagNames: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'a', 'strong', 'em', 'del', 'code', 'pre', 'kbd', 'sup', 'sub',
    'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'br',
  ],
  attributes: {
    a: ['href', 'title'],
    code: [['className', /^language-[\w+-]+$/]],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  protocols: { href: ['http', 'https', 'mailto'] },
  ancestors: { tbody: ['table'], thead: ['table'], tr: ['table'], th: ['table'], td: ['table'] },
  // Dropped with their content, not unwrapped into visible text.
  strip: ['script', 'style'],
  clobber: [],
  clobberPrefix: '',
  required: {},
};

/** Renders one page body (markdown without frontmatter) to sanitized HTML. */
export function renderPageHtml(markdown: string, options: RenderOptions): PageHtml {
  const snippets: string[] = [];
  const comparisons: PageHtml['comparisons'] = [];
  const html = unified()
    .use(remarkParse)
    .use(remarkGfm)
    // Raw HTML in the markdown is dropped here (no allowDangerousHtml): `<script>` never becomes an element.
    .use(remarkRehype)
    .use(rehypeSanitize, SANITIZE_SCHEMA)
    .use(() => (tree: Root) => decorate(tree, options, snippets, comparisons))
    .use(rehypeStringify)
    .processSync(markdown)
    .toString();
  return { html, snippets, comparisons };
}

/** The whole answer of `statuslens/renderPage` for a page of the knowledge base. */
export function renderPage(page: Page, kb: KnowledgeBase, prefix = ''): RenderPageResult {
  const rendered = renderPageHtml(page.markdown, {
    pageId: page.id,
    prefix,
    exists: (id) => kb.get(id) !== undefined,
    links: {
      page: (id, fragment) => commandUri(ExplainCommand, fragment ? [id, fragment] : [id]),
      compare: (left, right) => commandUri(CompareCommand, [left, right]),
    },
  });
  const related = page.kind === 'status' ? kb.relatedPages(page) : [];
  return {
    id: page.id,
    kind: page.kind,
    title: page.title,
    ...(page.kind === 'status' ? { code: page.code } : {}),
    html: rendered.html,
    snippets: rendered.snippets,
    comparisons: rendered.comparisons,
    related,
  };
}

/** Page id → the path of its file under a content root (the inverse of `pageIdFromPath`). */
function pagePath(id: string): string | undefined {
  const m = /^(status|directive|rule)\/(.+)$/.exec(id);
  if (!m) return undefined;
  const folder = { status: 'status', directive: 'directives', rule: 'rules' }[m[1] as 'status' | 'directive' | 'rule'];
  return `${folder}/${m[2]}.md`;
}

/** A relative link of the page (`401.md`, `../directives/nginx/deny.md#x`) as a page id and fragment. */
export function resolvePageLink(fromId: string, href: string): { id: string; fragment?: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return undefined;
  const from = pagePath(fromId);
  if (!from) return undefined;
  const [target = '', fragment] = href.split('#', 2);
  const id = linkedPageId(from, decodeURIComponent(target));
  if (!id) return undefined;
  return fragment ? { id, fragment } : { id };
}

/** GitHub-style heading slug: lower case, punctuation dropped, spaces to dashes. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const stringify = unified().use(rehypeStringify);

// --- the trusted transform, run on the sanitized tree ---------------------------------------

function decorate(tree: Root, options: RenderOptions, snippets: string[], comparisons: PageHtml['comparisons']): void {
  const prefix = options.prefix ?? '';
  addHeadingIds(tree, prefix);
  rewriteLinks(tree, options, prefix);
  addCompareLinks(tree, options, comparisons);
  wrapSnippets(tree, snippets, prefix);
  wrapTables(tree);
}

type Parent = Root | Element;

function* elements(node: Parent): Generator<{ element: Element; parent: Parent; index: number }> {
  for (let index = 0; index < node.children.length; index++) {
    const child = node.children[index]!;
    if (child.type !== 'element') continue;
    yield { element: child, parent: node, index };
    yield* elements(child);
  }
}

function textOf(node: RootContent | ElementContent | Root): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element' || node.type === 'root') return node.children.map(textOf).join('');
  return '';
}

function element(tagName: string, properties: Element['properties'], children: ElementContent[]): Element {
  return { type: 'element', tagName, properties, children };
}

function addHeadingIds(tree: Root, prefix: string): void {
  const used = new Map<string, number>();
  for (const { element: el } of elements(tree)) {
    if (!/^h[1-6]$/.test(el.tagName)) continue;
    const base = slug(textOf(el)) || 'section';
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    el.properties = { ...el.properties, id: `${prefix}${n ? `${base}-${n}` : base}` };
  }
}

/**
 * Page links become the caller's hrefs; in-page fragments stay; web links stay and get their
 * URL as a tooltip. A relative link to nothing we know is unwrapped to its text.
 */
function rewriteLinks(tree: Root, options: RenderOptions, prefix: string): void {
  const unwrap: { parent: Parent; index: number }[] = [];
  for (const { element: a, parent, index } of elements(tree)) {
    if (a.tagName !== 'a') continue;
    const href = typeof a.properties.href === 'string' ? a.properties.href : undefined;
    if (href === undefined) {
      // The sanitizer removed an unsafe href (javascript:, data:, …): keep the text only.
      unwrap.push({ parent, index });
      continue;
    }
    if (href.startsWith('#')) {
      a.properties = { href: `#${prefix}${slug(decodeURIComponent(href.slice(1)))}` };
      continue;
    }
    if (/^(https?|mailto):/i.test(href)) {
      a.properties = { href, title: href };
      continue;
    }
    const target = resolvePageLink(options.pageId, href);
    if (target && options.exists(target.id)) {
      a.properties = { href: options.links.page(target.id, target.fragment && slug(target.fragment)), className: ['page-link'], dataPage: target.id };
    } else {
      unwrap.push({ parent, index });
    }
  }
  // Back to front, so earlier indexes stay valid.
  for (const { parent, index } of unwrap.reverse()) {
    const a = parent.children[index] as Element;
    parent.children.splice(index, 1, ...a.children);
  }
}

/** "Compared with" items: remember each one and offer a side-by-side view of the two codes. */
function addCompareLinks(tree: Root, options: RenderOptions, comparisons: PageHtml['comparisons']): void {
  const top = tree.children;
  const start = top.findIndex((n) => n.type === 'element' && n.tagName === 'h2' && textOf(n).trim().toLowerCase() === 'compared with');
  if (start < 0) return;
  for (let i = start + 1; i < top.length; i++) {
    const node = top[i]!;
    if (node.type !== 'element') continue;
    if (/^h[12]$/.test(node.tagName)) break;
    if (node.tagName !== 'ul' && node.tagName !== 'ol') continue;
    for (const li of node.children) {
      if (li.type !== 'element' || li.tagName !== 'li') continue;
      const link = [...elements(li)].find(({ element: el }) => el.tagName === 'a' && typeof el.properties.dataPage === 'string');
      const other = link?.element.properties.dataPage as string | undefined;
      if (!other?.startsWith('status/')) continue;
      comparisons.push({ id: other, html: stringify.stringify({ type: 'root', children: li.children }) });
      const href = options.links.compare?.(options.pageId, other);
      if (href) {
        li.children.push({ type: 'text', value: ' ' }, element('a', { href, className: ['compare-link'] }, [{ type: 'text', value: 'Compare side by side' }]));
      }
    }
  }
}

/** Each code block gets a copy button; its text is kept so the host copies exactly that. */
function wrapSnippets(tree: Root, snippets: string[], prefix: string): void {
  // Collected first, then replaced in place: replacing keeps every sibling index valid.
  const blocks = [...elements(tree)].filter(({ element: el }) => el.tagName === 'pre');
  for (const { element: pre, parent, index } of blocks) {
    const n = snippets.push(textOf(pre).replace(/\n$/, '')) - 1;
    const button = element('button', { type: 'button', className: ['copy'], dataSnippet: `${prefix}${n}`, title: 'Copy to clipboard' }, [
      { type: 'text', value: 'Copy' },
    ]);
    parent.children[index] = element('div', { className: ['snippet'] }, [button, pre]);
  }
}

/** Wide tables scroll on their own instead of widening the page. */
function wrapTables(tree: Root): void {
  const tables = [...elements(tree)].filter(({ element: el }) => el.tagName === 'table');
  for (const { element: table, parent, index } of tables) {
    parent.children[index] = element('div', { className: ['table-wrap'] }, [table]);
  }
}
