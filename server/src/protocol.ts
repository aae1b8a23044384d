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

/** Client → server: the workspace's trust changed (untrusted: no KB folders from the workspace). */
export const SetTrustNotification = 'statuslens/setTrust';
