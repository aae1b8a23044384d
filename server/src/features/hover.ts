import type { Hover } from 'vscode-languageserver-types';
import { MarkupKind } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { directiveHoverMarkdown, serverName, statusHoverMarkdown, syntaxBlock, type HoverContext } from '../kb/render';
import type { DirectiveFacts, Family, SymbolAt } from '../types';
import { ExplainCommand, commandUri } from '../protocol';

const CONTEXT: Record<Family, HoverContext> = { nginx: 'nginx', apache: 'apache', routes: 'application' };

/**
 * The hover for what sits under the cursor, from the knowledge base; null when we know nothing useful.
 * `facts` (the language's directive table) fills in directives without a KB page and adds a facts
 * line under those that have one.
 */
export function hoverFor(
  document: TextDocument,
  family: Family,
  symbol: SymbolAt | undefined,
  kb: KnowledgeBase,
  facts?: (name: string) => DirectiveFacts | undefined,
): Hover | null {
  if (!symbol) return null;
  let value: string | undefined;
  if (symbol.kind === 'status') {
    const page = kb.status(symbol.code);
    value = page ? `${statusHoverMarkdown(page, { context: CONTEXT[family] })}\n\n${explainLink(page.id, escapeLinkText(page.title))}` : unknownStatus(symbol.code);
  } else {
    const page = kb.directive(symbol.server, symbol.name);
    const known = facts?.(symbol.name);
    if (page) {
      const body = known ? `${directiveHoverMarkdown(page)}\n\n${factsLine(known)}` : directiveHoverMarkdown(page);
      value = `${body}\n\n${explainLink(page.id, `\`${page.name}\``)}`;
    } else if (known) {
      value = directiveFactsMarkdown(known, symbol.server);
    }
  }
  if (!value) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: document.positionAt(symbol.start), end: document.positionAt(symbol.end) },
  };
}

/**
 * Opens the whole page in VS Code's Explain view. VS Code runs it because the client trusts
 * hovers for our own commands only; other editors show a link they cannot follow.
 */
function explainLink(pageId: string, label: string): string {
  return `[Explain ${label}](${commandUri(ExplainCommand, [pageId])})`;
}

function escapeLinkText(text: string): string {
  return text.replace(/[[\]\\`*_<]/g, '\\$&');
}

/** A directive's reference facts alone: for directives the knowledge base has no page for. */
function directiveFactsMarkdown(f: DirectiveFacts, server: 'nginx' | 'apache'): string {
  const parts = [`**${f.name}** · ${serverName(server)} \`${f.module}\``];
  parts.push(syntaxBlock(f.syntax, f.default));
  parts.push(factsLine(f));
  return parts.join('\n\n');
}

/** Contexts and override class on one line (the KB page already shows syntax and default). */
function factsLine(f: DirectiveFacts): string {
  const bits = [`Context: ${f.contexts.join(', ') || 'none documented'}`];
  if (f.override) bits.push(`AllowOverride: ${f.override}`);
  bits.push(`Module: \`${f.module}\``);
  return `_${bits.join(' · ')}${f.source ? ` (${f.source})` : ''}_`;
}

function unknownStatus(code: number): string {
  const cls = Math.floor(code / 100);
  if (cls < 1 || cls > 5) return `**${code}** is outside the ranges HTTP defines (100-599; RFC 9110 §15). Clients treat an unknown code by its first digit, and this one has no class.`;
  return `**${code}** is not in the IANA registry. Clients treat an unknown code as the x00 of its class: here ${cls}00 (RFC 9110 §15).`;
}
