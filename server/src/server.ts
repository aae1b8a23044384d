/**
 * Transport only: wires the pure language service to an LSP connection
 * (`--stdio` for any editor, `--node-ipc` when VS Code starts us).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import {
  createConnection,
  DiagnosticSeverity,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadBundledKb } from './kb/bundled';
import { loadTeamKnowledge } from './kb/teamKnowledge';
import type { KbProblem } from './kb/types';
import { createLanguageService } from './service';
import { URI } from 'vscode-uri';
import { familyFromPath } from './languages/detect';
import { diskWorkspace } from './workspace';
import { defaultSettings, SEVERITY_SETTINGS, type Family, type Settings, type SeveritySetting } from './types';
import {
  GetPageRequest,
  ListPagesRequest,
  RenderPageRequest,
  SymbolAtRequest,
  SetTrustNotification,
  type GetPageParams,
  type GetPageResult,
  type PageSummary,
  type RenderPageParams,
  type RenderPageResult,
  type SymbolAtParams,
} from './protocol';

const DIAGNOSTICS_DELAY_MS = 150;
/** Large-file policy: beyond this many bytes a document is analysed only up to here (the user is told once). */
export const MAX_ANALYSED_BYTES = 4 * 1024 * 1024;
/** Documents at least this long get an idle garbage collection after their analysis and after they close. */
const BIG_DOCUMENT_LENGTH = 1024 * 1024;
const IDLE_GC_DELAY_MS = 1000;

/**
 * A full garbage collection on demand. An idle V8 keeps the garbage of a big analysis (hundreds
 * of MB for a multi-MB config) until something allocates again; editors leave the server idle.
 */
function garbageCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const kb = loadBundledKb();
  // The bundled server sits in dist/; the knowledge-base markdown ships beside it in content/.
  const docsBaseUri = pathToFileURL(path.join(__dirname, '..', 'content')).href;
  let roots: string[] = [];
  // Include targets are read from open buffers first, so unsaved edits count.
  const files = diskWorkspace(() => roots, (file) => documents.get(pathToFileURL(file).href)?.getText());
  const service = createLanguageService({ kb, docsBaseUri, files, maxAnalysedBytes: MAX_ANALYSED_BYTES });
  /** Documents already told that their analysis is partial (once per open document). */
  const toldPartial = new Set<string>();
  const collectGarbage = garbageCollector();
  let gcTimer: NodeJS.Timeout | undefined;
  /** After a big document's analysis or close: one collection once the server has been idle for a moment. */
  const collectWhenIdle = (document: TextDocument) => {
    if (!collectGarbage || document.getText().length < BIG_DOCUMENT_LENGTH) return;
    clearTimeout(gcTimer);
    gcTimer = setTimeout(() => {
      collectGarbage();
      // A second pass once the first one's concurrent sweeping is done: only then are the freed pages released.
      gcTimer = setTimeout(collectGarbage, IDLE_GC_DELAY_MS);
      gcTimer.unref();
    }, IDLE_GC_DELAY_MS);
    gcTimer.unref();
  };
  let supportsConfiguration = false;
  const pending = new Map<string, NodeJS.Timeout>();
  // Team knowledge: folders from settings, loaded over the bundled pages.
  let trusted = true;
  let knowledgePaths: string[] = [];
  let kbWatchers: fs.FSWatcher[] = [];
  let kbReloadTimer: NodeJS.Timeout | undefined;
  let filesWithKbProblems = new Set<string>();

  connection.onInitialize((params): InitializeResult => {
    supportsConfiguration = !!params.capabilities.workspace?.configuration;
    const init = params.initializationOptions as { workspaceTrusted?: unknown } | undefined;
    // Editors without a notion of trust (Neovim, Helix) open only what their user chose.
    trusted = typeof init?.workspaceTrusted === 'boolean' ? init.workspaceTrusted : true;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        documentLinkProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'statuslens-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    await refreshSettings();
  });

  connection.onDidChangeConfiguration(async () => {
    await refreshSettings();
    documents.all().forEach(scheduleValidation);
  });

  async function refreshSettings() {
    if (!supportsConfiguration) return;
    try {
      const raw = (await connection.workspace.getConfiguration('statuslens')) as unknown;
      service.configure(readSettings(raw));
      knowledgePaths = readKnowledgePaths(raw);
      reloadKnowledge();
    } catch (err) {
      connection.console.warn(`statuslens: could not read settings: ${(err as Error).message}`);
    }
  }

  connection.onNotification(SetTrustNotification, (params: { trusted: boolean }) => {
    trusted = !!params.trusted;
    reloadKnowledge();
  });

  /** Reads the team folders again, swaps the KB, and reports broken pages on their files. */
  function reloadKnowledge() {
    const team = loadTeamKnowledge(kb, { paths: knowledgePaths, workspaceRoots: roots, trusted, home: process.env.HOME ?? '' });
    service.setKnowledgeBase(team.kb);
    for (const folder of team.refused) {
      connection.console.warn(`statuslens: not loading knowledge-base folder ${folder}: the workspace is not trusted`);
    }
    publishKbProblems(team.problems);
    watchKnowledge(team.folders);
  }

  function publishKbProblems(problems: KbProblem[]) {
    const byFile = new Map<string, KbProblem[]>();
    for (const p of problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
    for (const file of filesWithKbProblems) if (!byFile.has(file)) void connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: [] });
    for (const [file, list] of byFile) {
      void connection.sendDiagnostics({
        uri: pathToFileURL(file).href,
        diagnostics: list.map((p) => ({
          range: { start: { line: Math.max(0, p.line - 1), character: Math.max(0, p.column - 1) }, end: { line: Math.max(0, p.line - 1), character: Number.MAX_SAFE_INTEGER } },
          severity: DiagnosticSeverity.Error,
          source: 'statuslens',
          code: 'kb/invalid-page',
          codeDescription: { href: `${docsBaseUri}/README.md` },
          message: `${p.message}. This page is not loaded; the built-in page stays in effect.`,
        })),
      });
    }
    filesWithKbProblems = new Set(byFile.keys());
  }

  function watchKnowledge(folders: string[]) {
    kbWatchers.forEach((w) => w.close());
    kbWatchers = [];
    for (const folder of folders) {
      try {
        const watcher = fs.watch(folder, { recursive: true }, () => {
          clearTimeout(kbReloadTimer);
          kbReloadTimer = setTimeout(reloadKnowledge, 200);
        });
        watcher.on('error', () => watcher.close());
        kbWatchers.push(watcher);
      } catch {
        // A folder that vanished is reported as a problem by the next reload.
      }
    }
  }

  function scheduleValidation(document: TextDocument) {
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        void validate(document);
      }, DIAGNOSTICS_DELAY_MS),
    );
  }

  async function validate(document: TextDocument) {
    try {
      const diagnostics = await service.doValidation(document);
      // A newer version may have arrived while we worked: never publish stale results over it.
      const current = documents.get(document.uri);
      if (!current || current.version !== document.version) return;
      await connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
      collectWhenIdle(document);
      const partial = service.partialAnalysis(document);
      if (partial && !toldPartial.has(document.uri)) {
        toldPartial.add(document.uri);
        const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
        // A notification (window/showMessage), not a request: nothing to answer, nothing to fail.
        void connection.sendNotification(ShowMessageNotification.type, {
          type: MessageType.Info,
          message: `StatusLens: analysis is partial for ${path.basename(document.uri)} (${mb(partial.totalBytes)} MB): files above ${mb(partial.limit)} MB are checked up to that point only, without syntax checks.`,
        });
      }
    } catch (err) {
      connection.console.error(`statuslens: analysis of ${document.uri} failed: ${(err as Error).stack ?? err}`);
    }
  }

  /** The version each document was validated at as it opened: onDidChangeContent fires for an open too. */
  const openedAt = new Map<string, number>();
  documents.onDidOpen((e) => {
    openedAt.set(e.document.uri, e.document.version);
    void validate(e.document);
  });
  documents.onDidChangeContent((e) => {
    // The open itself was validated at once: a second, debounced run would only publish the same again.
    if (openedAt.get(e.document.uri) !== e.document.version) scheduleValidation(e.document);
    openedAt.delete(e.document.uri);
    revalidateRelated(e.document.uri, true);
  });

  /**
   * A config file can change how its includes (or its .htaccess files) are judged: re-judge the
   * other open config documents of that family. Typing in an open document re-judges only those
   * whose analysis read it; a file created, deleted or changed on disk re-judges them all (a new
   * file can match an include glob nobody read before). Route files stand alone.
   */
  function revalidateRelated(changedUri: string, edited = false) {
    const changed = documents.get(changedUri);
    const family = changed ? service.familyOf(changed) : familyFromPath(decodeURIComponent(changedUri));
    if (family !== 'nginx' && family !== 'apache') return;
    const changedPath = edited && changedUri.startsWith('file:') ? URI.parse(changedUri).fsPath : undefined;
    for (const other of documents.all()) {
      if (other.uri === changedUri || service.familyOf(other) !== family) continue;
      if (changedPath && !service.dependsOn(other.uri, changedPath)) continue;
      service.invalidate(other.uri);
      scheduleValidation(other);
    }
  }

  // Config files changed on disk (not open, or saved elsewhere) affect open documents that include them.
  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) revalidateRelated(change.uri);
  });
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    toldPartial.delete(e.document.uri);
    service.forget(e.document.uri);
    collectWhenIdle(e.document);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(async (params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? service.doHover(document, params.position) : null;
  });

  connection.onCodeAction(async (params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? service.doCodeActions(document, params.range, params.context) : [];
  });

  connection.onDocumentLinks(async (params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? service.findDocumentLinks(document) : [];
  });

  connection.onRequest(ListPagesRequest, (): PageSummary[] =>
    service.kb.pages.map((p) => ({
      id: p.id,
      kind: p.kind,
      title: p.title,
      ...(p.kind === 'status' ? { code: p.code } : {}),
      detail: p.kind === 'status' ? `${p.class} · ${p.spec}` : p.kind === 'directive' ? `${p.server} directive` : `${p.severity} rule`,
      ...(p.kind !== 'status' ? { statuses: p.statuses } : { related: service.kb.relatedPages(p) }),
    })),
  );

  connection.onRequest(GetPageRequest, (params: GetPageParams): GetPageResult | null => {
    const page = service.kb.get(params.id);
    return page ? { id: page.id, title: page.title, markdown: page.markdown } : null;
  });

  connection.onRequest(RenderPageRequest, async (params: RenderPageParams): Promise<RenderPageResult | null> => {
    const kb = service.kb;
    const page = kb.get(params.id);
    if (!page) return null;
    // The HTML pipeline (unified, remark, rehype) loads with the first Explain view, not at start-up.
    const { renderPage } = await import('./kb/html');
    return renderPage(page, kb, typeof params.prefix === 'string' ? params.prefix : '');
  });

  connection.onRequest(SymbolAtRequest, async (params: SymbolAtParams) => {
    const document = documents.get(params.uri);
    return document ? ((await service.symbolAt(document, params.position)) ?? null) : null;
  });

  documents.listen(connection);
  connection.listen();
}


function readKnowledgePaths(raw: unknown): string[] {
  const kbSettings = (raw as { knowledgeBase?: { paths?: unknown } } | undefined)?.knowledgeBase;
  return Array.isArray(kbSettings?.paths) ? kbSettings.paths.filter((p): p is string => typeof p === 'string') : [];
}

/** Settings from the client, validated: bad values are dropped, never trusted. */
export function readSettings(raw: unknown): Settings {
  const settings = defaultSettings();
  if (!raw || typeof raw !== 'object') return settings;
  const r = raw as { rules?: unknown; languages?: unknown };
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, value] of Object.entries(r.rules as Record<string, unknown>)) {
      if (typeof value === 'string' && SEVERITY_SETTINGS.includes(value as SeveritySetting)) settings.rules[id] = value as SeveritySetting;
    }
  }
  if (r.languages && typeof r.languages === 'object') {
    for (const family of Object.keys(settings.families) as Family[]) {
      const v = (r.languages as Record<string, unknown>)[family];
      if (typeof v === 'boolean') settings.families[family] = v;
    }
  }
  return settings;
}

/** Entry point: `node dist/server.js --stdio` or the `statuslens-language-server` bin. */
export function main(argv = process.argv): void {
  // vscode-languageserver picks the transport from --stdio / --node-ipc / --socket= / --pipe=.
  if (!argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
    process.stderr.write('usage: statuslens-language-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>\n');
    process.exit(2);
  }
  // A failed promise somewhere (a client that never answers a request, say) is logged, never fatal.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`statuslens: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
  });
  startServer(createConnection(ProposedFeatures.all));
}

if (require.main === module) main();
