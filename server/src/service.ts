/**
 * The StatusLens language service: documents in, LSP types out. It never touches a
 * connection, so the server, the CLI and the tests all drive the same code.
 */
import type { CodeAction, CodeActionContext, Diagnostic, DocumentLink, Hover, Position, Range } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { KnowledgeBase } from './kb/knowledgeBase';
import { detectFamily } from './languages/detect';
import { defaultLanguages, type AnyLanguage } from './languages';
import { hoverFor } from './features/hover';
import { applySettings, collectFindings, toDiagnostic, updateFindings } from './features/diagnostics';
import { codeActionsFor } from './features/codeActions';
import { diskWorkspace, type WorkspaceFiles } from './workspace';
import { defaultSettings, type Family, type Finding, type LanguageUpdate, type Settings, type SymbolAt, type TextChange } from './types';

export interface LanguageServiceOptions {
  kb: KnowledgeBase;
  settings?: Settings;
  /** Base of rule documentation links (`<base>/rules/nginx/x.md`); no links without it. */
  docsBaseUri?: string;
  /** Other files: include targets, governing configs. Defaults to the disk. */
  files?: WorkspaceFiles;
  /** Replaces the built-in languages (tests). */
  languages?: Partial<Record<Family, AnyLanguage>>;
  /**
   * Large-file policy: a document of more UTF-8 bytes than this is analysed only up to the last
   * line break before the limit (hovers, findings, fixes and links cover that part; syntax findings
   * are dropped, since the cut itself leaves blocks open). No limit by default (the CLI reads whole files).
   */
  maxAnalysedBytes?: number;
}

/** What the large-file policy left out of a document's analysis. */
export interface PartialAnalysis {
  analysedBytes: number;
  totalBytes: number;
  limit: number;
}

export interface LanguageService {
  configure(settings: Settings): void;
  setKnowledgeBase(kb: KnowledgeBase): void;
  readonly kb: KnowledgeBase;
  familyOf(document: TextDocument): Family | undefined;
  doHover(document: TextDocument, position: Position): Promise<Hover | null>;
  symbolAt(document: TextDocument, position: Position): Promise<SymbolAt | undefined>;
  doValidation(document: TextDocument): Promise<Diagnostic[]>;
  /** Findings with offsets and fixes (the CLI and tests use these directly). */
  findings(document: TextDocument): Promise<Finding[]>;
  doCodeActions(document: TextDocument, range: Range, context: CodeActionContext): Promise<CodeAction[]>;
  findDocumentLinks(document: TextDocument): Promise<DocumentLink[]>;
  docsHref(ruleId: string): string | undefined;
  /** Drops cached analysis of a closed document. */
  forget(uri: string): void;
  /** Drops a document's cached analysis so that it is done again (a file it depends on changed). */
  invalidate(uri: string): void;
  /**
   * Whether the document's last analysis read `filePath` (an include, an includer, a governing
   * config); true when there is no analysis to tell.
   */
  dependsOn(uri: string, filePath: string): boolean;
  /** Set when only the start of the document is analysed (see `maxAnalysedBytes`). */
  partialAnalysis(document: TextDocument): PartialAnalysis | undefined;
}

interface Analysis {
  version: number;
  /** What is analysed: the document itself, or its head under the large-file policy. */
  analysed: TextDocument;
  /** Its text at this version (the server's document objects change in place with each edit). */
  text: string;
  /** Other files its analysis read (includes, includers, governing configs), as read and as real paths. */
  reads: Set<string>;
  partial?: PartialAnalysis;
  parsed: Promise<unknown>;
  findings?: Promise<Finding[]>;
  /** Once known: what the next version may start from (see `LanguageSupport.update`). */
  settled?: { parsed: unknown; raw?: Finding[] };
  /** Set when this version is an update of the previous one: the previous version's raw findings to reuse. */
  reuse?: { raw: Finding[]; update?: { change: LanguageUpdate<unknown>; linesMoved: boolean } };
}

/** Where two versions of a text differ: their common head and tail left out. */
export function changeBetween(before: string, after: string): TextChange {
  const max = Math.min(before.length, after.length);
  let start = 0;
  // Big steps first (a substring comparison is a memory compare), then characters.
  const STEP = 4096;
  while (start + STEP <= max && before.slice(start, start + STEP) === after.slice(start, start + STEP)) start += STEP;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  const room = max - start;
  while (tail + STEP <= room && before.slice(before.length - tail - STEP, before.length - tail) === after.slice(after.length - tail - STEP, after.length - tail)) tail += STEP;
  while (tail < room && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

function countLineBreaks(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The length of the longest prefix of `text` that fits in `max` UTF-8 bytes. */
function utf8PrefixLength(text: string, max: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c < 0xdc00 && i + 1 < text.length;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + n > max) return i;
    bytes += n;
    if (pair) i++;
  }
  return text.length;
}

/** The document, or its head up to the last line break within `max` bytes. */
function limitDocument(document: TextDocument, max: number | undefined): { analysed: TextDocument; partial?: PartialAnalysis } {
  if (max === undefined) return { analysed: document };
  const text = document.getText();
  // Cheap exits first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= max) return { analysed: document };
  const totalBytes = Buffer.byteLength(text, 'utf8');
  if (totalBytes <= max) return { analysed: document };
  let cut = utf8PrefixLength(text, max);
  const lineBreak = text.lastIndexOf('\n', cut - 1);
  if (lineBreak >= 0) cut = lineBreak + 1;
  const head = text.slice(0, cut);
  return {
    analysed: TextDocument.create(document.uri, document.languageId, document.version, head),
    partial: { analysedBytes: Buffer.byteLength(head, 'utf8'), totalBytes, limit: max },
  };
}

export function createLanguageService(options: LanguageServiceOptions): LanguageService {
  let kb = options.kb;
  let settings = options.settings ?? defaultSettings();
  const languages = options.languages ?? defaultLanguages;
  const baseFiles = options.files ?? diskWorkspace();
  /** The files the analysis running now reads (analyses are synchronous where they read files). */
  let reading: Set<string> | undefined;
  const files: WorkspaceFiles = {
    read(file) {
      if (reading) {
        reading.add(file);
        // A symlink (sites-enabled/x) and its target (sites-available/x) are the same file to an editor.
        const real = baseFiles.realpath?.(file);
        if (real) reading.add(real);
      }
      return baseFiles.read(file);
    },
    glob: (pattern) => baseFiles.glob(pattern),
    roots: () => baseFiles.roots(),
    ...(baseFiles.realpath ? { realpath: (file: string) => baseFiles.realpath!(file) } : {}),
  };
  const environment = { files };
  const recordingReads = <T>(a: Analysis, work: () => T): T => {
    const outer = reading;
    reading = a.reads;
    try {
      return work();
    } finally {
      reading = outer;
    }
  };
  const cache = new Map<string, Analysis>();

  const languageOf = (document: TextDocument): AnyLanguage | undefined => {
    const family = detectFamily(document.uri, document.languageId);
    if (!family || !settings.families[family]) return undefined;
    return languages[family];
  };

  const analysis = (document: TextDocument, language: AnyLanguage): Analysis => {
    const hit = cache.get(document.uri);
    if (hit && hit.version === document.version) return hit;
    const { analysed, partial } = limitDocument(document, options.maxAnalysedBytes);
    const fresh: Analysis = { version: document.version, analysed, text: analysed.getText(), reads: new Set(), ...(partial ? { partial } : {}), parsed: Promise.resolve() };
    // The previous version is handed over (it leaves the cache now): an update may change it in place.
    const previous = hit?.settled && !hit.partial && !partial && language.update && hit.analysed.languageId === analysed.languageId ? hit.settled : undefined;
    if (hit) delete hit.settled;
    fresh.parsed = Promise.resolve().then(() => recordingReads(fresh, () => {
      // What the previous version's findings rest on still counts for the ones reused.
      if (previous?.raw) for (const file of hit!.reads) fresh.reads.add(file);
      if (previous?.raw && hit!.text === fresh.text) {
        // A new version with the same text (an edit undone, a save): nothing to re-check.
        fresh.reuse = { raw: previous.raw };
        return previous.parsed;
      }
      if (previous?.raw) {
        const before = hit!.text;
        const after = fresh.text;
        const change = changeBetween(before, after);
        let update: LanguageUpdate<unknown> | undefined;
        try {
          update = language.update!(previous.parsed, analysed, change, environment);
        } catch (err) {
          // An update bug must cost a whole analysis, never the document's diagnostics.
          console.error(`statuslens: update of ${document.uri} failed, analysing it whole: ${(err as Error).stack ?? err}`);
        }
        if (update) {
          const linesMoved = countLineBreaks(before, change.start, change.oldEnd) !== countLineBreaks(after, change.start, change.newEnd);
          fresh.reuse = { raw: previous.raw, update: { change: update, linesMoved } };
          return update.parsed;
        }
      }
      return language.parse(analysed, environment);
    }));
    fresh.parsed.then(
      (parsed) => (fresh.settled = { parsed }),
      () => undefined,
    );
    cache.set(document.uri, fresh);
    return fresh;
  };

  const docsHref = (ruleId: string) => {
    if (!options.docsBaseUri) return undefined;
    const family = ruleId.split('/')[0];
    // Syntax findings point at the family's rule index; every other rule has its own page.
    if (ruleId.endsWith('/syntax')) return `${options.docsBaseUri}/rules/${family}/syntax.md`;
    return `${options.docsBaseUri}/rules/${ruleId}.md`;
  };

  const findings = async (document: TextDocument): Promise<Finding[]> => {
    const language = languageOf(document);
    if (!language) return [];
    const a = analysis(document, language);
    a.findings ??= a.parsed.then((parsed) => {
      const reuse = a.reuse;
      // Rules expand includes lazily: their reads count too.
      const raw = recordingReads(a, () =>
        !reuse
          ? collectFindings(language, a.analysed, parsed, settings)
          : reuse.update
            ? updateFindings(language, a.analysed, reuse.update.change, reuse.raw, settings, reuse.update.linesMoved)
            : reuse.raw,
      );
      delete a.reuse;
      if (a.settled) a.settled.raw = raw;
      language.settle?.(parsed);
      const all = applySettings(a.analysed, raw, settings);
      // The cut of a partial analysis leaves blocks open: its syntax findings are not the file's.
      return a.partial ? all.filter((f) => !f.ruleId.endsWith('/syntax')) : all;
    });
    return a.findings;
  };

  return {
    configure(next) {
      settings = next;
      cache.clear();
    },
    setKnowledgeBase(next) {
      kb = next;
    },
    get kb() {
      return kb;
    },
    familyOf(document) {
      return languageOf(document)?.family;
    },
    async symbolAt(document, position) {
      const language = languageOf(document);
      if (!language) return undefined;
      const parsed = await analysis(document, language).parsed;
      return language.symbolAt(parsed, document.offsetAt(position));
    },
    async doHover(document, position) {
      const language = languageOf(document);
      if (!language) return null;
      const parsed = await analysis(document, language).parsed;
      return hoverFor(document, language.family, language.symbolAt(parsed, document.offsetAt(position)), kb, language.directiveInfo?.bind(language));
    },
    findings,
    async doValidation(document) {
      return (await findings(document)).map((f) => toDiagnostic(document, f, docsHref));
    },
    async doCodeActions(document, range, context) {
      const language = languageOf(document);
      if (!language) return [];
      return codeActionsFor(language, document, await findings(document), range, context.diagnostics, docsHref);
    },
    async findDocumentLinks(document) {
      const language = languageOf(document);
      if (!language?.documentLinks) return [];
      const parsed = await analysis(document, language).parsed;
      return language.documentLinks(parsed, document).map((l) => ({
        range: { start: document.positionAt(l.start), end: document.positionAt(l.end) },
        target: l.target,
        ...(l.tooltip ? { tooltip: l.tooltip } : {}),
      }));
    },
    docsHref,
    invalidate(uri) {
      cache.delete(uri);
    },
    dependsOn(uri, filePath) {
      const a = cache.get(uri);
      if (!a) return true;
      return a.reads.has(filePath) || a.reads.has(baseFiles.realpath?.(filePath) ?? filePath);
    },
    forget(uri) {
      cache.delete(uri);
      for (const language of Object.values(languages)) language?.forget?.(uri);
    },
    partialAnalysis(document) {
      // Never starts an analysis: asked after a document closed, it must not bring it back into the cache.
      if (!languageOf(document)) return undefined;
      const hit = cache.get(document.uri);
      if (hit && hit.version === document.version) return hit.partial;
      return limitDocument(document, options.maxAnalysedBytes).partial;
    },
  };
}
