/** `statuslens explain`: a KB page for the terminal (rendered on a TTY, plain markdown otherwise). */
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { Page } from '../kb/types';

/** Finds the page for `403`, `nginx/allow-after-deny-all`, `limit_req`, `Require`… */
export function findPage(kb: KnowledgeBase, query: string): Page | undefined {
  const q = query.trim();
  if (/^\d{3}$/.test(q)) return kb.status(Number(q));
  return (
    kb.rule(q) ??
    kb.get(q) ??
    kb.directive('nginx', q) ??
    kb.directive('apache', q) ??
    kb.directive('apache', q.replace(/^<|>$/g, '')) ??
    kb.statuses().find((p) => p.name.toLowerCase() === q.toLowerCase())
  );
}

export function renderForTerminal(markdown: string, tty: boolean, width = 100): string {
  if (!tty) return markdown.endsWith('\n') ? markdown : markdown + '\n';
  const marked = new Marked();
  // marked-terminal's typings lag behind marked's extension type; the object is the documented extension.
  marked.use(markedTerminal({ width, reflowText: true, tab: 2, showSectionPrefix: false }) as Parameters<Marked['use']>[0]);
  return String(marked.parse(markdown));
}
