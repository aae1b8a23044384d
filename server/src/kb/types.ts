/**
 * The knowledge base as a typed index. Pages are markdown files under `content/`
 * (or a team's own folders), parsed by `loader.ts`; everything else reads this shape.
 */

export type PageKind = 'status' | 'directive' | 'rule';
export type ServerFamily = 'nginx' | 'apache';
export type Layer = 'nginx' | 'apache' | 'cdn' | 'application' | 'filesystem';
export type RequirementLevel = 'MUST' | 'SHOULD' | 'MAY' | 'MUST NOT' | 'SHOULD NOT';

/** A `## Heading` of a page with its markdown body (subsections included). */
export interface Section {
  title: string;
  /** Markdown of the section body, without its own heading. */
  markdown: string;
  /** `### Heading` subsections, in order. */
  subsections: { title: string; markdown: string }[];
  /** 1-based line of the heading in the source file. */
  line: number;
}

export interface HeaderRequirement {
  name: string;
  level: RequirementLevel;
  /** Where the requirement is written down, e.g. "RFC 9110 §15.5.2". */
  ref: string;
}

interface PageBase {
  /** Stable id: `status/403`, `directive/nginx/deny`, `rule/nginx/allow-after-deny-all`. */
  id: string;
  kind: PageKind;
  /** Title from the page's `# heading`. */
  title: string;
  /** Evidence ids: ground-truth cases (`N1a`, `A2c`) or RFC sections (`RFC 9110 §15.5.4`). */
  evidence: string[];
  sections: Section[];
  /** The whole body (frontmatter stripped), for the full rendering. */
  markdown: string;
  /** Where the page came from: a path relative to its content root, or an absolute path for team pages. */
  source: string;
  /** Set on a team page that overrides a built-in page: the frontmatter fields it declares. */
  partial?: string[];
  /** Pages this page links to, with the 1-based source line of each link. */
  links: { target: string; line: number }[];
}

export interface StatusPage extends PageBase {
  kind: 'status';
  code: number;
  name: string;
  /** "1xx" .. "5xx". */
  class: string;
  /** Defining specification and section, e.g. "RFC 9110 §15.5.4", or "nginx" for nginx's own codes. */
  spec: string;
  headers: HeaderRequirement[];
  /** Codes compared in "Compared with". */
  related: number[];
  /** A deep page has causes and fixes by layer and a diagnosis flow. */
  deep: boolean;
}

export interface DirectivePage extends PageBase {
  kind: 'directive';
  server: ServerFamily;
  name: string;
  syntax: string;
  default: string;
  contexts: string[];
  module: string;
  statuses: number[];
}

export interface RulePage extends PageBase {
  kind: 'rule';
  ruleId: string;
  severity: 'error' | 'warning' | 'info' | 'hint';
  statuses: number[];
}

export type Page = StatusPage | DirectivePage | RulePage;

/** What the build writes to `dist/kb.json` and what run-time loading produces. */
export interface KbIndex {
  version: 1;
  pages: Page[];
}

/** A problem in a page, with its place: printed by the build as `file:line: message`. */
export interface KbProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}
