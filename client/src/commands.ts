/** The StatusLens commands: explain, compare, pick, restart, and the walkthrough's sample. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GetPageRequest, type GetPageResult, type PageSummary } from '../../server/src/protocol';
import { Commands } from './commandIds';
import type { ExplainPanel } from './explain/panel';
import { DOCUMENT_SELECTOR } from './languageClient';
import { PAGE_ID, type PageIndex } from './pages';
import { symbolAt } from './symbolAt';

/** Virtual documents holding knowledge-base pages as markdown: `statuslens-kb:/status/403.md`. */
const KB_SCHEME = 'statuslens-kb';

export interface CommandContext {
  client(): LanguageClient | undefined;
  restart(): Promise<void>;
  panel: ExplainPanel;
  pages: PageIndex;
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const { panel, pages } = ctx;
  const explain = (id: string, anchor?: string) => panel.show(anchor ? { kind: 'page', id, anchor } : { kind: 'page', id });
  return [
    vscode.commands.registerCommand(Commands.explain403, () => explain('status/403')),
    vscode.commands.registerCommand(Commands.explainStatus, async () => {
      const id = await pickPage(pages, { title: 'Explain HTTP status code', placeHolder: 'Type a code or a name: 403, forbidden, limit_req…' });
      if (id) await explain(id);
    }),
    vscode.commands.registerCommand(Commands.explainAtCursor, () => explainAtCursor(ctx)),
    // Links (hovers, the view, code actions) pass page ids: run only on ids that look like one.
    vscode.commands.registerCommand(Commands.explain, async (id: unknown, anchor: unknown) => {
      const pageId = asPageId(id);
      if (pageId) await explain(pageId, typeof anchor === 'string' ? anchor : undefined);
      else await vscode.commands.executeCommand(Commands.explainStatus);
    }),
    vscode.commands.registerCommand(Commands.compare, (left: unknown, right: unknown) => compare(ctx, asPageId(left), asPageId(right))),
    vscode.commands.registerCommand(Commands.explainBack, () => panel.back()),
    vscode.commands.registerCommand(Commands.showRuleDocumentation, async (ruleId: unknown, href: unknown) => {
      if (typeof ruleId !== 'string') return;
      if (await pages.get(`rule/${ruleId}`)) return explain(`rule/${ruleId}`);
      // No page for this rule (yet): the server's link to its documentation file.
      if (typeof href === 'string') await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(href));
    }),
    vscode.workspace.registerTextDocumentContentProvider(KB_SCHEME, new KbDocuments(ctx)),
    vscode.commands.registerCommand(Commands.openPageMarkdown, async (id: unknown) => {
      const pageId = asPageId(id);
      if (!pageId) return;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: KB_SCHEME, path: `/${pageId}.md` }));
      await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand(Commands.restartServer, () => ctx.restart()),
    vscode.commands.registerCommand(Commands.openSample, async () => {
      const document = await vscode.workspace.openTextDocument({ language: 'nginx', content: SAMPLE_NGINX });
      await vscode.window.showTextDocument(document);
    }),
  ];
}

/**
 * The status (or directive) under the cursor: the server knows where statuses hide in configs
 * (`[F]` is 403, `R=410`, `error_page 404 =200`); elsewhere, any three-digit status number.
 */
async function explainAtCursor(ctx: CommandContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('StatusLens: open a file and put the cursor on a status code.');
    return;
  }
  const { document, selection } = editor;
  const client = ctx.client();
  if (client?.isRunning() && vscode.languages.match(DOCUMENT_SELECTOR, document) > 0) {
    // On the symbol, or just after it (`403|;`), as a word is found at its end too.
    const positions = [selection.active, ...(selection.active.character > 0 ? [selection.active.translate(0, -1)] : [])];
    for (const position of positions) {
      const symbol = await symbolAt(client, document, position);
      if (symbol?.kind === 'status') return ctx.panel.show({ kind: 'page', id: `status/${symbol.code}` });
      if (symbol?.kind === 'directive' && (await ctx.pages.get(`directive/${symbol.server}/${symbol.name}`))) {
        return ctx.panel.show({ kind: 'page', id: `directive/${symbol.server}/${symbol.name}` });
      }
    }
  }
  const word = document.getWordRangeAtPosition(selection.active, /\b[1-5]\d\d\b/);
  if (word) return ctx.panel.show({ kind: 'page', id: `status/${document.getText(word)}` });
  void vscode.window.showInformationMessage('StatusLens: no HTTP status at the cursor. Put the cursor on a code such as 403, or run "Explain HTTP status code…".');
}

/** Both sides given: show them. One given: pick the other, its usual confusions first. */
async function compare(ctx: CommandContext, left: string | undefined, right: string | undefined): Promise<void> {
  const first = left ?? (await pickPage(ctx.pages, { title: 'Compare HTTP status codes (1 of 2)', placeHolder: 'The first code: 403, forbidden…', statusOnly: true }));
  if (!first) return;
  const firstSummary = await ctx.pages.get(first);
  const second =
    right ??
    (await pickPage(ctx.pages, {
      title: `Compare ${firstSummary?.title ?? first} with…`,
      placeHolder: 'The other code: 401, unauthorized…',
      statusOnly: true,
      exclude: first,
      first: firstSummary?.related ?? [],
    }));
  if (second) await ctx.panel.show({ kind: 'compare', left: first, right: second });
}

interface PickOptions {
  title: string;
  placeHolder: string;
  statusOnly?: boolean;
  exclude?: string;
  /** Ids listed first, under "Usually confused with". */
  first?: string[];
}

const KIND_ORDER = { status: 0, directive: 1, rule: 2 } as const;
const KIND_LABEL = { status: 'Status codes', directive: 'Directives', rule: 'Rules' } as const;

/** A quick pick over pages, filtering on the code and the name ("403", "forbid"). */
async function pickPage(pages: PageIndex, options: PickOptions): Promise<string | undefined> {
  const all = (await pages.list(true))
    .filter((p) => (!options.statusOnly || p.kind === 'status') && p.id !== options.exclude)
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.code ?? 0) - (b.code ?? 0) || a.title.localeCompare(b.title));
  if (!all.length) {
    void vscode.window.showWarningMessage('StatusLens: the knowledge base is not available. Is the language server running? (StatusLens: Restart Server)');
    return undefined;
  }
  type Item = vscode.QuickPickItem & { id?: string };
  const item = (p: PageSummary): Item => ({ label: p.title, description: p.detail, id: p.id });
  const items: Item[] = [];
  const first = (options.first ?? []).map((id) => all.find((p) => p.id === id)).filter((p): p is PageSummary => !!p);
  if (first.length) items.push({ label: 'Usually confused with', kind: vscode.QuickPickItemKind.Separator }, ...first.map(item));
  let kind: PageSummary['kind'] | undefined;
  for (const p of all) {
    if (p.kind !== kind) {
      kind = p.kind;
      items.push({ label: KIND_LABEL[kind], kind: vscode.QuickPickItemKind.Separator });
    }
    items.push(item(p));
  }
  const choice = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeHolder, matchOnDescription: true });
  return choice?.id;
}

function asPageId(value: unknown): string | undefined {
  return typeof value === 'string' && PAGE_ID.test(value) ? value : undefined;
}

/** `statuslens-kb:/status/403.md`: the page's markdown, read-only. */
class KbDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: CommandContext) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const client = this.ctx.client();
    if (!client?.isRunning()) return '# StatusLens\n\nThe language server is not running.';
    const page = await client.sendRequest<GetPageResult | null>(GetPageRequest, { id });
    return page ? page.markdown : `# No page\n\nThe knowledge base has no page "${id}".`;
  }
}

/** The walkthrough's sample: an nginx site with the classic unreachable `allow`. */
const SAMPLE_NGINX = `# A StatusLens sample. Hover 403 or 404, and look at the warning on "allow".
server {
    listen 80;
    server_name example.test;
    root /var/www/example;

    location /admin/ {
        deny all;
        allow 10.0.0.0/8;    # never reached: deny all already answered 403
    }

    location /old-page {
        return 410;
    }

    error_page 404 /404.html;
}
`;
