/**
 * Contracts between the pure language service, its languages and its rules.
 * Positions here are offsets into the document text; features convert them to LSP ranges.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerFamily } from './kb/types';
import type { WorkspaceFiles } from './workspace';

export type Family = 'nginx' | 'apache' | 'routes';
export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';
/** What `statuslens.rules` and `--rule id=sev` accept, mildest first. */
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'hint', 'info', 'warning', 'error'];

export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: OffsetEdit[];
  /** The fix a user most likely wants (VS Code applies it with "Auto Fix"). */
  preferred?: boolean;
}

export interface Finding {
  ruleId: string;
  start: number;
  end: number;
  message: string;
  severity: Severity;
  fixes: Fix[];
}

/** What a rule reports; id and default severity come from the rule itself. */
export interface Report {
  start: number;
  end: number;
  message: string;
  /** Overrides the rule's default, e.g. info for `return 444` in nginx/closes-connection. */
  severity?: Severity;
  fixes?: Fix[];
}

export interface RuleContext<Parsed> {
  document: TextDocument;
  parsed: Parsed;
  report(report: Report): void;
}

export interface Rule<Parsed> {
  /** Stable id, e.g. `nginx/allow-after-deny-all`: a contract with users' settings and suppressions. */
  id: string;
  family: Family;
  severity: Severity;
  check(context: RuleContext<Parsed>): void;
  /**
   * The rule's promise that lets an edit re-check only the unit it fell in (nginx: a server
   * block): its findings inside a unit depend only on that unit and what encloses it, and its
   * findings elsewhere never on a unit's content. Rules without it are re-run on the whole document.
   */
  local?: boolean;
  /** Its messages cite line numbers: an edit that adds or removes lines re-runs it on the whole document. */
  citesLines?: boolean;
}

/** What sits under the cursor, for hovers and "Explain status at cursor". */
export type SymbolAt =
  | { kind: 'status'; code: number; start: number; end: number }
  | { kind: 'directive'; server: ServerFamily; name: string; start: number; end: number };

export interface DocumentLinkTarget {
  start: number;
  end: number;
  /** An absolute file URI. */
  target: string;
  tooltip?: string;
}

/**
 * Reference facts of a server directive (from the server's own documentation), shown in hovers
 * when the knowledge base has no page for the directive, and under the page when it has one.
 */
export interface DirectiveFacts {
  name: string;
  module: string;
  syntax: string;
  default?: string;
  /** Where the directive may appear, in the server's own words ("server config", ".htaccess"…). */
  contexts: string[];
  /** Apache: the AllowOverride class a .htaccess needs for it. */
  override?: string;
  /** Where the facts come from, e.g. "Apache httpd 2.4 reference". */
  source?: string;
}

/** One language (a config dialect or the route-file family), plugged into the service. */
/** What a language may use besides the document: other files (includes, governing configs). */
export interface ParseEnvironment {
  files: WorkspaceFiles;
}

/** An edit as the difference of two versions: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** A document re-analysed after an edit that stayed inside one unit (nginx: a server block). */
export interface LanguageUpdate<Parsed> {
  parsed: Parsed;
  /** A view of `parsed` whose rules judge only the unit, as it now reads. */
  scope: Parsed;
  /** Where the unit was in the old text; everything from `oldEnd` on moved by `delta`. */
  oldStart: number;
  oldEnd: number;
  delta: number;
}

export interface LanguageSupport<Parsed> {
  family: Family;
  parse(document: TextDocument, environment: ParseEnvironment): Parsed | Promise<Parsed>;
  /**
   * Re-analyses a document after `change`, reusing `previous` (handed over: the language may
   * change it in place). Undefined when only `parse` will do.
   */
  update?(previous: Parsed, document: TextDocument, change: TextChange, environment: ParseEnvironment): LanguageUpdate<Parsed> | undefined;
  symbolAt(parsed: Parsed, offset: number): SymbolAt | undefined;
  /** Problems of the syntax itself (reported under `<family>/syntax`). */
  syntaxFindings(parsed: Parsed): Finding[];
  rules: Rule<Parsed>[];
  /** The comment leader used by suppression comments inserted by quick fixes. */
  commentPrefix(document: TextDocument): string;
  /** Whether a line comment may follow code on the same line (Apache: no). */
  trailingComments: boolean;
  documentLinks?(parsed: Parsed, document: TextDocument): DocumentLinkTarget[];
  /** Reference facts of a directive by name, for hovers (optional). */
  directiveInfo?(name: string): DirectiveFacts | undefined;
  /** Frees what the language keeps per document (route files: the last syntax tree) when it closes. */
  forget?(uri: string): void;
  /** Called once a version's findings are known: drops what only the rules needed (kept: what hovers, links and updates use). */
  settle?(parsed: Parsed): void;
}

export interface Settings {
  /** Rule id → severity or "off". */
  rules: Record<string, SeveritySetting>;
  /** Language families on or off. */
  families: Record<Family, boolean>;
}

export const defaultSettings = (): Settings => ({
  rules: {},
  families: { nginx: true, apache: true, routes: true },
});
