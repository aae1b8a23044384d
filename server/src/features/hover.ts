import type { Hover } from 'vscode-languageserver-types';
import { MarkupKind } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { directiveHoverMarkdown, statusHoverMarkdown, type HoverContext } from '../kb/render';
import type { Family, SymbolAt } from '../types';

const CONTEXT: Record<Family, HoverContext> = { nginx: 'nginx', apache: 'apache', routes: 'application' };

/** The hover for what sits under the cursor, from the knowledge base; null when we know nothing useful. */
export function hoverFor(document: TextDocument, family: Family, symbol: SymbolAt | undefined, kb: KnowledgeBase): Hover | null {
  if (!symbol) return null;
  let value: string | undefined;
  if (symbol.kind === 'status') {
    const page = kb.status(symbol.code);
    value = page ? statusHoverMarkdown(page, { context: CONTEXT[family] }) : unknownStatus(symbol.code);
  } else {
    const page = kb.directive(symbol.server, symbol.name);
    value = page ? directiveHoverMarkdown(page) : undefined;
  }
  if (!value) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: document.positionAt(symbol.start), end: document.positionAt(symbol.end) },
  };
}

function unknownStatus(code: number): string {
  const cls = Math.floor(code / 100);
  if (cls < 1 || cls > 5) return `**${code}** is outside the ranges HTTP defines (100-599; RFC 9110 §15). Clients treat an unknown code by its first digit, and this one has no class.`;
  return `**${code}** is not in the IANA registry. Clients treat an unknown code as the x00 of its class: here ${cls}00 (RFC 9110 §15).`;
}
