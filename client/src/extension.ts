/**
 * The VS Code side: starts the language server, and shows knowledge-base pages in the Explain
 * view (commands, hover links, lightbulb actions).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExplainCodeActions } from './codeActions';
import { registerCommands } from './commands';
import type { ExplainView } from './explain/document';
import { EXPLAIN_VIEW_TYPE, ExplainPanel } from './explain/panel';
import { DOCUMENT_SELECTOR, createLanguageClient } from './languageClient';
import { PageIndex } from './pages';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<StatusLensApi> {
  const output = vscode.window.createOutputChannel('StatusLens', { log: true });
  context.subscriptions.push(output);

  client = createLanguageClient(context, output);
  const currentClient = () => client;
  const pages = new PageIndex(currentClient);
  const panel = new ExplainPanel(context.extensionUri, currentClient);

  const restart = async () => {
    if (!client) return;
    output.info('Restarting the StatusLens language server…');
    pages.invalidate();
    // A server that failed to start is not running: start it instead of restarting it.
    if (client.isRunning()) await client.restart();
    else await client.start();
    output.info('StatusLens language server restarted.');
  };

  context.subscriptions.push(
    panel,
    ...registerCommands({ client: currentClient, restart, panel, pages }),
    vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new ExplainCodeActions(currentClient, pages), ExplainCodeActions.metadata),
    // The view comes back after a window reload, showing what it showed.
    vscode.window.registerWebviewPanelSerializer(EXPLAIN_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel, state: unknown) => panel.restore(webviewPanel, state),
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('statuslens')) pages.invalidate();
    }),
  );

  try {
    await client.start();
  } catch (err) {
    // Commands stay registered (Restart Server can try again); the reason goes to the output channel.
    output.error(`The StatusLens language server did not start: ${(err as Error).message}`);
  }

  return {
    get client() {
      return client!;
    },
    explain: (id) => panel.show({ kind: 'page', id }),
    compare: (left, right) => panel.show({ kind: 'compare', left, right }),
    explainPanelHtml: () => panel.html,
    explainPanelView: () => panel.view,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** What `activate` returns, for tests and other extensions. */
export interface StatusLensApi {
  readonly client: LanguageClient;
  /** Shows a page (`status/403`, `directive/nginx/deny`) in the Explain view. */
  explain(id: string): Promise<void>;
  /** Shows two pages side by side in the Explain view. */
  compare(leftId: string, rightId: string): Promise<void>;
  /** The Explain view's HTML document, or undefined while it is closed. */
  explainPanelHtml(): string | undefined;
  /** What the Explain view shows, or undefined while it is closed. */
  explainPanelView(): ExplainView | undefined;
}
