/**
 * The VS Code side: starts the language server, and turns knowledge-base pages into
 * documents a person can read (command palette, quick pick, rule documentation links).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { GetPageRequest, ListPagesRequest, SetTrustNotification, type GetPageResult, type PageSummary } from '../../server/src/protocol';

/** Virtual documents holding knowledge-base pages: `statuslens-kb:/status/403.md`. */
export const KB_SCHEME = 'statuslens-kb';

let client: LanguageClient | undefined;

const ROUTE_LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python', 'php', 'ruby', 'go'];

export async function activate(context: vscode.ExtensionContext): Promise<StatusLensApi> {
  const output = vscode.window.createOutputChannel('StatusLens', { log: true });
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'nginx' },
      { language: 'apacheconf' },
      ...ROUTE_LANGUAGES.map((language) => ({ language, scheme: 'file' })),
      ...ROUTE_LANGUAGES.map((language) => ({ language, scheme: 'untitled' })),
    ],
    synchronize: { configurationSection: 'statuslens' },
    // Untrusted workspaces: the server loads no knowledge-base folders from inside them.
    initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted },
    outputChannel: output,
  };
  client = new LanguageClient('statuslens', 'StatusLens', serverOptions, clientOptions);
  await client.start();

  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification(SetTrustNotification, { trusted: true })),
  );

  const pages = new KbDocuments(client);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(KB_SCHEME, pages),
    vscode.commands.registerCommand('statuslens.explain403', () => openPage('status/403')),
    vscode.commands.registerCommand('statuslens.explainStatus', () => pickAndOpen(client!)),
    vscode.commands.registerCommand('statuslens.showRuleDocumentation', (ruleId: string) => openPage(`rule/${ruleId}`)),
  );
  return { openPage, client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** What `activate` returns, for tests and other extensions. */
export interface StatusLensApi {
  openPage(id: string): Promise<vscode.Uri>;
  client: LanguageClient;
}

class KbDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly lc: LanguageClient) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const page = await this.lc.sendRequest<GetPageResult | null>(GetPageRequest, { id });
    return page ? page.markdown : `# No page\n\nThe knowledge base has no page "${id}".`;
  }
}

/** Opens a page as a rendered markdown preview; returns the virtual document's URI. */
async function openPage(id: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.from({ scheme: KB_SCHEME, path: `/${id}.md` });
  await vscode.workspace.openTextDocument(uri);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return uri;
}

async function pickAndOpen(lc: LanguageClient): Promise<vscode.Uri | undefined> {
  const pages = await lc.sendRequest<PageSummary[]>(ListPagesRequest);
  const order = { status: 0, directive: 1, rule: 2 } as const;
  const items = pages
    .sort((a, b) => order[a.kind] - order[b.kind] || (a.code ?? 0) - (b.code ?? 0) || a.title.localeCompare(b.title))
    .map((p) => ({ label: p.title, description: p.detail, id: p.id }));
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Explain HTTP status code',
    placeHolder: 'Type a code or a name: 403, forbidden, limit_req…',
    matchOnDescription: true,
  });
  return choice ? openPage(choice.id) : undefined;
}
