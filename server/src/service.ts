/**
 * The StatusLens language service: documents in, LSP types out. It never touches a
 * connection, so the server, the CLI and the tests all drive the same code.
 */
import type { CodeAction, CodeActionContext, Diagnostic, DocumentLink, Hover, Position, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { KnowledgeBase } from './kb/knowledgeBase';
import { detectFamily } from './languages/detect';
import { defaultLanguages, type AnyLanguage } from './languages';
import { hoverFor } from './features/hover';
import { runRules, toDiagnostic } from './features/diagnostics';
import { codeActionsFor } from './features/codeActions';
import { diskWorkspace, type WorkspaceFiles } from './workspace';
import { defaultSettings, type Family, type Finding, type Settings, type SymbolAt } from './types';

export interface LanguageServiceOptions {
  kb: KnowledgeBase;
  settings?: Settings;
  /** Base of rule documentation links (`<base>/rules/nginx/x.md`); no links without it. */
  docsBaseUri?: string;
  /** Other files: include targets, governing configs. Defaults to the disk. */
  files?: WorkspaceFiles;
  /** Replaces the built-in languages (tests). */
  languages?: Partial<Record<Family, AnyLanguage>>;
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
}

interface Analysis {
  version: number;
  parsed: Promise<unknown>;
  findings?: Promise<Finding[]>;
}

export function createLanguageService(options: LanguageServiceOptions): LanguageService {
  let kb = options.kb;
  let settings = options.settings ?? defaultSettings();
  const languages = options.languages ?? defaultLanguages;
  const environment = { files: options.files ?? diskWorkspace() };
  const cache = new Map<string, Analysis>();

  const languageOf = (document: TextDocument): AnyLanguage | undefined => {
    const family = detectFamily(document.uri, document.languageId);
    if (!family || !settings.families[family]) return undefined;
    return languages[family];
  };

  const analysis = (document: TextDocument, language: AnyLanguage): Analysis => {
    const hit = cache.get(document.uri);
    if (hit && hit.version === document.version) return hit;
    const fresh: Analysis = { version: document.version, parsed: Promise.resolve().then(() => language.parse(document, environment)) };
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
    a.findings ??= a.parsed.then((parsed) => runRules(language, document, parsed, settings));
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
      return hoverFor(document, language.family, language.symbolAt(parsed, document.offsetAt(position)), kb);
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
    forget(uri) {
      cache.delete(uri);
    },
  };
}
