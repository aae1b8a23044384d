/**
 * The Explain view: one webview panel showing a knowledge-base page, or two side by side.
 * Page HTML comes from the server (`statuslens/renderPage`), already sanitized.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RenderPageRequest, type RenderPageParams, type RenderPageResult } from '../../../server/src/protocol';
import { LINKABLE_COMMANDS } from '../commandIds';
import { COMPARE_PREFIX, explainDocument, viewTitle, type ExplainContent, type ExplainView } from './document';

export const EXPLAIN_VIEW_TYPE = 'statuslens.explain';
/** Enough "Back" for reading around; older entries are dropped. */
const HISTORY_LIMIT = 50;

export class ExplainPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private current: ExplainView | undefined;
  private readonly history: ExplainView[] = [];
  /** Snippet key (`data-snippet`) → text, for the copy buttons of what is shown now. */
  private snippets = new Map<string, string>();
  /** Guards against a slow render finishing after a newer one. */
  private generation = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  /** Shows `view`; the view shown before goes on the Back stack. */
  async show(view: ExplainView): Promise<void> {
    if (this.panel && this.current && !sameView(this.current, view)) {
      this.history.push(this.current);
      if (this.history.length > HISTORY_LIMIT) this.history.shift();
    }
    await this.render(view);
  }

  async back(): Promise<void> {
    const previous = this.history.pop();
    if (previous) await this.render(previous);
  }

  /** The webview's whole HTML document, or undefined when the view is closed (for tests). */
  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  get view(): ExplainView | undefined {
    return this.panel ? this.current : undefined;
  }

  /** Takes over a panel VS Code restored after a reload. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    this.adopt(panel);
    await this.render(isExplainView(state) ? state : { kind: 'page', id: 'status/403' });
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private async render(view: ExplainView): Promise<void> {
    const generation = ++this.generation;
    const panel = this.panel ?? this.adopt(this.createPanel());
    const navigated = !this.current || !sameView(this.current, view);
    this.current = view;
    const content = await this.load(view);
    if (generation !== this.generation || this.panel !== panel) return;
    this.snippets = snippetsOf(content);
    panel.title = viewTitle(content);
    panel.webview.html = explainDocument(content, {
      cspSource: panel.webview.cspSource,
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'explain.css')).toString(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'explain.js')).toString(),
      nonce: randomBytes(16).toString('base64'),
      canGoBack: this.history.length > 0,
      resetScroll: navigated,
    });
    if (!panel.visible) panel.reveal(undefined, true);
  }

  private async load(view: ExplainView): Promise<ExplainContent> {
    const client = this.client();
    if (!client?.isRunning()) return { kind: 'error', view, message: 'The StatusLens language server is not running. Run "StatusLens: Restart Server" and try again.' };
    try {
      if (view.kind === 'page') return { kind: 'page', view, page: await renderPage(client, { id: view.id }) };
      const [left, right] = await Promise.all([
        renderPage(client, { id: view.left, prefix: COMPARE_PREFIX.left }),
        renderPage(client, { id: view.right, prefix: COMPARE_PREFIX.right }),
      ]);
      return { kind: 'compare', view, left, right };
    } catch (err) {
      return { kind: 'error', view, message: `The language server could not render the page: ${(err as Error).message}` };
    }
  }

  private createPanel(): vscode.WebviewPanel {
    // Beside the editor the user is reading, so the config and its explanation stay in view.
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    return vscode.window.createWebviewPanel(EXPLAIN_VIEW_TYPE, 'StatusLens', { viewColumn: column, preserveFocus: false }, { enableFindWidget: true });
  }

  private adopt(panel: vscode.WebviewPanel): vscode.WebviewPanel {
    this.panel = panel;
    panel.webview.options = {
      // Only the copy buttons use script; navigation is command links.
      enableScripts: true,
      enableCommandUris: LINKABLE_COMMANDS,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message));
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.current = undefined;
      this.history.length = 0;
      this.snippets.clear();
    });
    return panel;
  }

  private async onMessage(message: unknown): Promise<void> {
    // The webview is a web page: check the shape of everything it sends.
    if (!message || typeof message !== 'object') return;
    const { type, snippet } = message as { type?: unknown; snippet?: unknown };
    if (type !== 'copy' || typeof snippet !== 'string') return;
    // Only text we rendered ourselves is copied, never text the page sends.
    const text = this.snippets.get(snippet);
    if (text === undefined) return;
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage('$(check) StatusLens: snippet copied', 2000);
  }
}

async function renderPage(client: LanguageClient, params: RenderPageParams): Promise<RenderPageResult | null> {
  return client.sendRequest<RenderPageResult | null>(RenderPageRequest, params);
}

function snippetsOf(content: ExplainContent): Map<string, string> {
  const map = new Map<string, string>();
  const add = (page: RenderPageResult | null, prefix: string) => page?.snippets.forEach((text, i) => map.set(`${prefix}${i}`, text));
  if (content.kind === 'page') add(content.page, '');
  if (content.kind === 'compare') {
    add(content.left, COMPARE_PREFIX.left);
    add(content.right, COMPARE_PREFIX.right);
  }
  return map;
}

function sameView(a: ExplainView, b: ExplainView): boolean {
  return a.kind === 'page' && b.kind === 'page' ? a.id === b.id : a.kind === 'compare' && b.kind === 'compare' && a.left === b.left && a.right === b.right;
}

/** State saved by the webview: trust nothing about it beyond its shape. */
function isExplainView(value: unknown): value is ExplainView {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  if (v.kind === 'page') return typeof v.id === 'string' && (v.anchor === undefined || typeof v.anchor === 'string');
  return v.kind === 'compare' && typeof v.left === 'string' && typeof v.right === 'string';
}
