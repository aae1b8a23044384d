/**
 * The language client: the bundled server over IPC, for nginx, Apache and route-file documents.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_NODE_OPTIONS, SetTrustNotification } from '../../server/src/protocol';
import { LINKABLE_COMMANDS } from './commandIds';

/** Route-file languages: the server finds status codes in their handlers. */
const ROUTE_LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python', 'php', 'ruby', 'go'];

/** Config languages, contributed by this extension (and by the popular nginx/Apache extensions). */
const CONFIG_LANGUAGES = ['nginx', 'apacheconf'];

/** Fits both VS Code's and the language client's selector types. */
export const DOCUMENT_SELECTOR: { language: string; scheme?: string }[] = [
  ...CONFIG_LANGUAGES.map((language) => ({ language })),
  // Route files only on disk or unsaved: not in diff views, git history or other virtual documents.
  ...ROUTE_LANGUAGES.flatMap((language) => [
    { language, scheme: 'file' },
    { language, scheme: 'untitled' },
  ]),
];

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_OPTIONS } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: {
      configurationSection: 'statuslens',
      // Included configs and governing server configs change on disk too (git pull, another editor).
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.conf,*.conf.template,*.nginx,.htaccess,sites-available/*,sites-enabled/*}'),
    },
    // Untrusted workspaces: the server loads no knowledge-base folders from inside them.
    // A function, so a restarted server learns the trust of now, not of activation time.
    initializationOptions: () => ({ workspaceTrusted: vscode.workspace.isTrusted }),
    outputChannel: output,
    middleware: {
      // Hovers end with "Explain 403 Forbidden" (a `command:` link). Trust exactly our own
      // commands, so the link runs and nothing else a hover might contain can.
      async provideHover(document, position, token, next) {
        const hover = await next(document, position, token);
        for (const content of hover?.contents ?? []) {
          if (content instanceof vscode.MarkdownString) content.isTrusted = { enabledCommands: [...LINKABLE_COMMANDS] };
        }
        return hover;
      },
    },
  };
  const client = new LanguageClient('statuslens', 'StatusLens', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client.isRunning()) void client.sendNotification(SetTrustNotification, { trusted: true });
    }),
  );
  return client;
}
