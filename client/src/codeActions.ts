/**
 * "Explain 403 Forbidden" in the lightbulb, next to the server's quick fixes: on a status code
 * the server recognises, and on a StatusLens diagnostic whose rule is about a status.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands } from './commandIds';
import type { PageIndex } from './pages';
import { symbolAt } from './symbolAt';

/** Grouped with quick fixes, so the lightbulb shows it beside "Move `deny all;` after…". */
const EXPLAIN_KIND = vscode.CodeActionKind.QuickFix.append('explain');

export class ExplainCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [EXPLAIN_KIND] };

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly pages: PageIndex,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    if (context.only && !context.only.contains(EXPLAIN_KIND) && !EXPLAIN_KIND.contains(context.only)) return [];
    const client = this.client();
    if (!client?.isRunning()) return [];
    const actions = new Map<string, vscode.CodeAction>();
    const add = async (pageId: string, diagnostic?: vscode.Diagnostic) => {
      const existing = actions.get(pageId);
      if (existing) {
        if (diagnostic) existing.diagnostics = [...(existing.diagnostics ?? []), diagnostic];
        return;
      }
      const page = await this.pages.get(pageId);
      if (!page) return;
      const action = new vscode.CodeAction(`Explain ${page.title}`, EXPLAIN_KIND);
      action.command = { title: action.title, command: Commands.explain, arguments: [pageId] };
      if (diagnostic) action.diagnostics = [diagnostic];
      actions.set(pageId, action);
    };

    const symbol = await symbolAt(client, document, range.start, token);
    if (symbol?.kind === 'status') await add(`status/${symbol.code}`);

    for (const diagnostic of context.diagnostics) {
      const ruleId = ruleIdOf(diagnostic);
      if (!ruleId) continue;
      const rule = await this.pages.get(`rule/${ruleId}`);
      for (const code of rule?.statuses ?? []) await add(`status/${code}`, diagnostic);
    }
    return token.isCancellationRequested ? [] : [...actions.values()];
  }
}

/** The rule id of a StatusLens diagnostic (`code`, as a string or `{ value }`). */
function ruleIdOf(diagnostic: vscode.Diagnostic): string | undefined {
  if (diagnostic.source !== 'statuslens') return undefined;
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return typeof code === 'string' ? code : undefined;
}
