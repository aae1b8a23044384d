/**
 * Markdown renderings of pages for hovers, and the section helpers they share with SARIF rule
 * metadata. Pure string work over the typed index; the Explain view renders whole pages (html.ts).
 */
import type { DirectivePage, Layer, Page, Section, ServerFamily, StatusPage } from './types';

/** Which layer's causes and fixes to put first: the kind of file the user is in. */
export type HoverContext = Extract<Layer, 'nginx' | 'apache' | 'application'>;

const LAYER_TITLES: Record<HoverContext, RegExp> = {
  nginx: /^nginx\b/i,
  apache: /^apache\b/i,
  application: /^(application|app)\b/i,
};

export function section(page: Page, title: string): Section | undefined {
  return page.sections.find((s) => s.title.toLowerCase() === title.toLowerCase());
}

/** The first paragraph of a markdown block. */
export function firstParagraph(markdown: string): string {
  return markdown.trim().split(/\n\s*\n/)[0]?.trim() ?? '';
}

/** Top `n` list items of a markdown block (a "Compared with" list). */
function topListItems(markdown: string, n: number): string[] {
  const items: string[] = [];
  let current: string | undefined;
  for (const line of markdown.split('\n')) {
    const m = /^[-*]\s+(.*)$/.exec(line);
    if (m) {
      if (current !== undefined) items.push(current);
      current = m[1]!;
    } else if (current !== undefined && /^\s+\S/.test(line)) {
      current += ' ' + line.trim();
    } else if (current !== undefined && line.trim() === '') {
      items.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) items.push(current);
  return items.slice(0, n);
}

/** Relative page links make no sense inside a hover; keep their text. */
function stripPageLinks(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\((?![a-z][a-z0-9+.-]*:)[^)]*\)/gi, '$1');
}

export interface HoverOptions {
  context?: HoverContext;
  /** How many "Compared with" lines to show. */
  comparisons?: number;
}

export function statusHoverMarkdown(page: StatusPage, options: HoverOptions = {}): string {
  const parts: string[] = [];
  parts.push(`**${page.code} ${page.name}** · ${page.class} · ${page.spec}`);
  const summary = section(page, 'Summary');
  if (summary) parts.push(firstParagraph(summary.markdown));
  const must = page.headers.filter((h) => h.level === 'MUST' || h.level === 'SHOULD');
  if (must.length) parts.push(must.map((h) => `\`${h.name}\` ${h.level} travel with it (${h.ref}).`).join(' '));
  if (options.context) {
    const cause = layerSubsection(page, 'Causes', options.context);
    const fix = layerSubsection(page, 'Fixes', options.context);
    if (cause) parts.push(`**Likely cause here (${cause.title})**\n\n${firstBlock(cause.markdown)}`);
    if (fix) parts.push(`**Fix (${fix.title})**\n\n${firstBlock(fix.markdown)}`);
  }
  const compared = section(page, 'Compared with');
  if (compared) {
    const items = topListItems(compared.markdown, options.comparisons ?? 3);
    if (items.length) parts.push(`**Compared with**\n\n${items.map((i) => `- ${i}`).join('\n')}`);
  }
  return stripPageLinks(parts.join('\n\n'));
}

export function directiveHoverMarkdown(page: DirectivePage): string {
  const parts: string[] = [];
  // Backticks keep `<Directory>` from being read as an HTML tag.
  parts.push(`**\`${page.name}\`** · ${serverName(page.server)} \`${page.module}\``);
  parts.push(syntaxBlock(page.syntax, page.default));
  parts.push(`Context: ${page.contexts.join(', ')}`);
  const summary = section(page, 'Summary');
  if (summary) parts.push(firstParagraph(summary.markdown));
  const statuses = section(page, 'Statuses');
  if (statuses) parts.push(`**Statuses**\n\n${statuses.markdown}`);
  return stripPageLinks(parts.join('\n\n'));
}

/** "nginx" or "Apache", as a directive hover names its server. */
export function serverName(server: ServerFamily): string {
  return server === 'nginx' ? 'nginx' : 'Apache';
}

/** A directive's syntax, and its default when it has one, as a code block. */
export function syntaxBlock(syntax: string, defaultValue?: string): string {
  return '```\n' + syntax + (defaultValue ? `\nDefault: ${defaultValue}` : '') + '\n```';
}

function layerSubsection(page: Page, title: string, context: HoverContext) {
  const s = section(page, title);
  return s?.subsections.find((sub) => LAYER_TITLES[context].test(sub.title));
}

/** A list's first item, or a paragraph, plus a code block right after it when there is one. */
function firstBlock(markdown: string): string {
  const blocks = markdown.trim().split(/\n\s*\n/);
  const out = [blocks[0] ?? ''];
  if (blocks[1]?.startsWith('```')) {
    // Keep a fenced snippet whole, even when it spans blank lines.
    const rest = blocks.slice(1).join('\n\n');
    const end = rest.indexOf('\n```', 3);
    out.push(end > 0 ? rest.slice(0, end + 4) : blocks[1]);
  }
  return out.join('\n\n');
}
