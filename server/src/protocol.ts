/**
 * Node options the client starts the server with. A young generation capped at 1 MB per
 * semi-space: V8 otherwise grows it to 16 MB while a big config is parsed and keeps those pages
 * for up to a minute of idle time (~16 MB of resident memory at no measured cost in speed; see bench/README.md).
 */
export const SERVER_NODE_OPTIONS = ['--max-semi-space-size=1'];

/** The client command a diagnostic's "Show documentation" action runs (with the rule id and its page). */
export const SHOW_DOCUMENTATION_COMMAND = 'statuslens.showRuleDocumentation';

/** Custom requests between the StatusLens client and server (plain LSP clients can ignore them). */
export const ListPagesRequest = 'statuslens/listPages';
export const GetPageRequest = 'statuslens/getPage';
export const SymbolAtRequest = 'statuslens/symbolAt';

export interface PageSummary {
  id: string;
  kind: 'status' | 'directive' | 'rule';
  title: string;
  /** For status pages. */
  code?: number;
  /** One line: a status page's reason phrase, a directive's server, a rule's severity. */
  detail: string;
  /** Directive and rule pages: the statuses they produce or are about (a rule's diagnostic explains these). */
  statuses?: number[];
  /** Status pages: the status pages this one is usually confused with (frontmatter `related`), most useful first. */
  related?: string[];
}

export interface GetPageParams {
  id: string;
}
export interface GetPageResult {
  id: string;
  title: string;
  markdown: string;
  /** Absolute path of the page's source, when it is a file (for "open source"). */
  source?: string;
}

export interface SymbolAtParams {
  uri: string;
  position: { line: number; character: number };
}

/** A page as sanitized HTML for the Explain view (see server/src/kb/html.ts). */
export const RenderPageRequest = 'statuslens/renderPage';
export interface RenderPageParams {
  id: string;
  /**
   * Put before heading ids, in-page fragments and snippet keys, so two pages shown side by
   * side keep them apart (`a-`, `b-`). Default: none.
   */
  prefix?: string;
}
export interface RenderPageResult {
  id: string;
  kind: PageSummary['kind'];
  title: string;
  code?: number;
  /** Sanitized body HTML; links to other pages are `command:` URIs of the commands below. */
  html: string;
  /** Code block texts; a copy button's `data-snippet="<prefix>n"` is `snippets[n]`. */
  snippets: string[];
  /** "Compared with" items as HTML, by the page they compare with. */
  comparisons: { id: string; html: string }[];
  /** Status pages this one is usually confused with (frontmatter `related`), most useful first. */
  related: string[];
}

/**
 * VS Code commands that hovers and rendered pages link to (`command:` URIs). Clients other
 * than VS Code show these links as plain text.
 */
export const ExplainCommand = 'statuslens.explain';
export const CompareCommand = 'statuslens.compare';

/** `command:<id>?<JSON args>`, the form VS Code runs from trusted markdown and webviews. */
export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** Client → server: the workspace's trust changed (untrusted: no KB folders from the workspace). */
export const SetTrustNotification = 'statuslens/setTrust';
