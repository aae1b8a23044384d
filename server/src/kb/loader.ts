/**
 * Turns knowledge-base markdown into typed pages. Used at build time (scripts/build-kb.ts
 * writes dist/kb.json) and at run time for a team's own folders (same parser, same checks).
 * Every problem is reported with its file and line; nothing here throws on bad input.
 */
import * as path from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import { toString as mdastToString } from 'mdast-util-to-string';
import { parseDocument, isMap, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import type { Root, RootContent, Heading, Link, Definition } from 'mdast';
import type {
  DirectivePage,
  HeaderRequirement,
  KbProblem,
  Page,
  RequirementLevel,
  RulePage,
  Section,
  StatusPage,
} from './types';

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm);

const REQUIRED_SECTIONS: Record<Page['kind'], string[]> = {
  status: ['Summary', 'Retry and caching'],
  directive: ['Summary', 'Statuses'],
  rule: ['Why it matters', 'Failing example', 'Fixed example', 'Quick fix'],
};
const DEEP_STATUS_SECTIONS = ['Causes', 'Fixes', 'Diagnosis', 'Compared with'];
const LEVELS: RequirementLevel[] = ['MUST', 'SHOULD', 'MAY', 'MUST NOT', 'SHOULD NOT'];
const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
/** Ground-truth / conformance case ids (N1a, A11c, C-nginx-3) or RFC sections. */
const EVIDENCE = /^(?:[NA]\d+[a-z]?|C-[a-z0-9-]+|RFC \d{4}(?: §[\d.]+)?)$/;

/** The id a page file must have, derived from where it sits under its content root. */
export function pageIdFromPath(relativePath: string): string | undefined {
  const p = relativePath.split(path.sep).join('/').replace(/\.md$/, '');
  let m = /^status\/(\d{3})$/.exec(p);
  if (m) return `status/${m[1]}`;
  m = /^directives\/(nginx|apache)\/([A-Za-z_<>][\w<>]*)$/.exec(p);
  if (m) return `directive/${m[1]}/${m[2]}`;
  m = /^rules\/(nginx|apache|routes)\/([a-z0-9-]+)$/.exec(p);
  if (m) return `rule/${m[1]}/${m[2]}`;
  return undefined;
}

/** The page a relative link (`401.md`, `../directives/nginx/deny.md`) in the page file `fromPath` points to. */
export function linkedPageId(fromPath: string, target: string): string | undefined {
  return pageIdFromPath(path.posix.join(path.posix.dirname(fromPath.split(path.sep).join('/')), target));
}

export interface ParsedPage {
  page?: Page;
  problems: KbProblem[];
}

export interface ParseOptions {
  /**
   * The page overrides a built-in page of the same id (team knowledge): fields and sections it
   * leaves out are taken from the built-in page, so they are not required here.
   */
  partial?: boolean;
}

/** Parses one page. `source` is the path reported in problems and kept on the page. */
export function parsePage(text: string, relativePath: string, source = relativePath, options: ParseOptions = {}): ParsedPage {
  const problems: KbProblem[] = [];
  const problem = (line: number, message: string, column = 1) => problems.push({ file: source, line, column, message });

  const id = pageIdFromPath(relativePath);
  if (!id) {
    problem(1, `"${relativePath}" is not a page path: use status/<code>.md, directives/<nginx|apache>/<name>.md or rules/<family>/<rule>.md`);
    return { problems };
  }

  const tree = processor.parse(text) as Root;
  const yamlNode = tree.children[0]?.type === 'yaml' ? tree.children[0] : undefined;
  if (!yamlNode) {
    problem(1, 'missing frontmatter: the page must start with a --- YAML block ---');
    return { problems };
  }
  // Lines inside the YAML are offset by the opening `---` line.
  const yamlLineOffset = (yamlNode.position?.start.line ?? 1) + 1; // the line after the opening ---
  const doc = parseDocument(yamlNode.value, { keepSourceTokens: false });
  const lineOfOffset = (offset: number) => yamlLineOffset + countLines(yamlNode.value, offset);
  for (const err of doc.errors) problem(lineOfOffset(err.pos[0]), `frontmatter: ${err.message.split('\n')[0]}`);
  if (doc.errors.length) return { problems };
  if (!isMap(doc.contents)) {
    problem(yamlLineOffset, 'frontmatter must be a mapping of fields');
    return { problems };
  }

  const fm = new Frontmatter(doc, lineOfOffset, yamlLineOffset, problem, !!options.partial);
  const kind = fm.string('kind');
  const expectedKind = id.split('/')[0];
  if (kind && kind !== expectedKind) fm.fail('kind', `kind is "${kind}" but the file sits where a "${expectedKind}" page belongs`);

  const body = text.slice(yamlNode.position?.end.offset ?? 0).replace(/^\r?\n/, '');
  const title = pageTitle(tree, problem);
  const sections = splitSections(tree, text);
  const links = collectLinks(tree, relativePath, problem);
  const evidence = fm.stringList('evidence', false) ?? [];
  evidence.forEach((e) => {
    if (!EVIDENCE.test(e)) fm.fail('evidence', `evidence "${e}" is neither a case id (N1a, A2c) nor an RFC section ("RFC 9110 §15.5.4")`);
  });

  const base = { id, title, evidence, sections, markdown: body, source, links };
  let page: Page | undefined;
  if (expectedKind === 'status') page = statusPage(fm, base, id);
  else if (expectedKind === 'directive') page = directivePage(fm, base, id);
  else page = rulePage(fm, base, id);

  if (page && options.partial) {
    page.partial = doc.contents.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []));
  } else if (page) {
    const required = [...REQUIRED_SECTIONS[page.kind]];
    if (page.kind === 'status' && page.deep) required.push(...DEEP_STATUS_SECTIONS);
    if (page.kind === 'status' && page.related.length && !required.includes('Compared with')) required.push('Compared with');
    const bodyStartLine = (yamlNode.position?.end.line ?? 1) + 1;
    for (const name of required) {
      const s = sections.find((x) => x.title === name);
      if (!s) problem(bodyStartLine, `missing section "## ${name}" (a ${page.kind}${page.kind === 'status' && page.deep ? ' deep' : ''} page needs ${required.map((r) => `"${r}"`).join(', ')})`);
      else if (!s.markdown.trim()) problem(s.line, `section "## ${name}" is empty`);
    }
  }
  return problems.length ? { problems } : { page, problems };
}

type BaseFields = Pick<Page, 'id' | 'title' | 'evidence' | 'sections' | 'markdown' | 'source' | 'links'>;

function statusPage(fm: Frontmatter, base: BaseFields, id: string): StatusPage | undefined {
  const code = fm.integer('code');
  const name = fm.string('name');
  const cls = fm.string('class');
  const spec = fm.string('spec');
  const headers = fm.partial && !fm.has('headers') ? undefined : fm.headers('headers');
  const related = fm.integerList('related', false) ?? [];
  const deep = fm.boolean('deep', false) ?? false;
  if (code !== undefined && `status/${code}` !== id) fm.fail('code', `code ${code} does not match the file name (${id.slice(7)}.md)`);
  if (code !== undefined && cls !== undefined && cls !== `${String(code)[0]}xx`) fm.fail('class', `class "${cls}" does not match code ${code} (expected "${String(code)[0]}xx")`);
  if (fm.partial) {
    const n = Number(id.slice(7));
    return { ...base, kind: 'status', code: n, name: name ?? '', class: cls ?? '', spec: spec ?? '', headers: headers ?? [], related, deep };
  }
  if (code === undefined || !name || !cls || !spec || !headers) return undefined;
  return { ...base, kind: 'status', code, name, class: cls, spec, headers, related, deep };
}

function directivePage(fm: Frontmatter, base: BaseFields, id: string): DirectivePage | undefined {
  const server = fm.string('server');
  const name = fm.string('name');
  const syntax = fm.string('syntax');
  const def = fm.string('default', false) ?? '';
  const contexts = fm.stringList('contexts');
  const module = fm.string('module');
  const statuses = fm.integerList('statuses');
  if (server && name && `directive/${server}/${name}` !== id && `directive/${server}/${name.replace(/[<>]/g, '')}` !== id.replace(/[<>]/g, '')) {
    fm.fail('name', `server/name "${server}/${name}" does not match the file's place (${id})`);
  }
  if (server !== undefined && server !== 'nginx' && server !== 'apache') fm.fail('server', `server must be nginx or apache, not "${server}"`);
  if (fm.partial) {
    const [, srv, nm] = id.split('/') as [string, 'nginx' | 'apache', string];
    return { ...base, kind: 'directive', server: srv, name: name ?? nm, syntax: syntax ?? '', default: def, contexts: contexts ?? [], module: module ?? '', statuses: statuses ?? [] };
  }
  if (!server || !name || !syntax || !contexts || !module || !statuses) return undefined;
  return { ...base, kind: 'directive', server: server as 'nginx' | 'apache', name, syntax, default: def, contexts, module, statuses };
}

function rulePage(fm: Frontmatter, base: BaseFields, id: string): RulePage | undefined {
  const ruleId = fm.string('id');
  const severity = fm.string('severity');
  const statuses = fm.integerList('statuses');
  if (ruleId && `rule/${ruleId}` !== id) fm.fail('id', `rule id "${ruleId}" does not match the file's place (${id.slice(5)})`);
  if (severity && !(SEVERITIES as readonly string[]).includes(severity)) fm.fail('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  if (fm.partial) return { ...base, kind: 'rule', ruleId: ruleId ?? id.slice(5), severity: (severity ?? 'warning') as RulePage['severity'], statuses: statuses ?? [] };
  if (!ruleId || !severity || !statuses) return undefined;
  return { ...base, kind: 'rule', ruleId, severity: severity as RulePage['severity'], statuses };
}

/** Typed access to frontmatter fields that reports problems at the field's line. */
class Frontmatter {
  constructor(
    private readonly doc: Document,
    private readonly lineOfOffset: (offset: number) => number,
    private readonly firstLine: number,
    private readonly problem: (line: number, message: string) => void,
    /** Missing fields are fine in an override page; defaults stand in until merged. */
    readonly partial = false,
  ) {}

  has(key: string): boolean {
    return this.doc.has(key);
  }
  private node(key: string): YamlNode | undefined {
    const n = this.doc.get(key, true) as YamlNode | undefined;
    return n ?? undefined;
  }
  private lineOf(key: string): number {
    const map = this.doc.contents;
    if (isMap(map)) {
      for (const pair of map.items) {
        if (isScalar(pair.key) && pair.key.value === key && pair.key.range) return this.lineOfOffset(pair.key.range[0]);
      }
    }
    return this.firstLine;
  }
  fail(key: string, message: string) {
    this.problem(this.lineOf(key), message);
  }
  private missing(key: string, what: string) {
    if (!this.partial) this.problem(this.firstLine, `frontmatter field "${key}" is required (${what})`);
  }
  string(key: string, required = true): string | undefined {
    const n = this.node(key);
    if (n === undefined) {
      if (required) this.missing(key, 'a string');
      return undefined;
    }
    if (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')) return String(n.value);
    this.fail(key, `frontmatter field "${key}" must be a string`);
    return undefined;
  }
  integer(key: string, required = true): number | undefined {
    const n = this.node(key);
    if (n === undefined) {
      if (required) this.missing(key, 'a whole number');
      return undefined;
    }
    if (isScalar(n) && typeof n.value === 'number' && Number.isInteger(n.value)) return n.value;
    this.fail(key, `frontmatter field "${key}" must be a whole number`);
    return undefined;
  }
  boolean(key: string, required = true): boolean | undefined {
    const n = this.node(key);
    if (n === undefined) {
      if (required) this.missing(key, 'true or false');
      return undefined;
    }
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    this.fail(key, `frontmatter field "${key}" must be true or false`);
    return undefined;
  }
  private list(key: string, required: boolean, what: string): YamlNode[] | undefined {
    const n = this.node(key);
    if (n === undefined) {
      if (required) this.missing(key, what);
      return undefined;
    }
    if (isSeq(n)) return n.items as YamlNode[];
    this.fail(key, `frontmatter field "${key}" must be a list (${what})`);
    return undefined;
  }
  stringList(key: string, required = true): string[] | undefined {
    const items = this.list(key, required, 'a list of strings');
    if (!items) return undefined;
    const out: string[] = [];
    for (const item of items) {
      if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number')) out.push(String(item.value));
      else this.fail(key, `every item of "${key}" must be a string`);
    }
    return out;
  }
  integerList(key: string, required = true): number[] | undefined {
    const items = this.list(key, required, 'a list of status codes');
    if (!items) return undefined;
    const out: number[] = [];
    for (const item of items) {
      if (isScalar(item) && typeof item.value === 'number' && Number.isInteger(item.value)) out.push(item.value);
      else this.fail(key, `every item of "${key}" must be a whole number`);
    }
    return out;
  }
  headers(key: string): HeaderRequirement[] | undefined {
    const items = this.list(key, true, 'a list of { name, level, ref }; [] when none');
    if (!items) return undefined;
    const out: HeaderRequirement[] = [];
    for (const item of items) {
      if (!isMap(item)) {
        this.fail(key, `every item of "${key}" must be a mapping { name, level, ref }`);
        continue;
      }
      const name = item.get('name');
      const level = item.get('level');
      const ref = item.get('ref');
      if (typeof name !== 'string' || typeof ref !== 'string' || typeof level !== 'string' || !LEVELS.includes(level as RequirementLevel)) {
        this.fail(key, `a "${key}" item needs name, ref and level (one of ${LEVELS.join(', ')})`);
        continue;
      }
      out.push({ name, level: level as RequirementLevel, ref });
    }
    return out;
  }
}

function countLines(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function pageTitle(tree: Root, problem: (line: number, message: string) => void): string {
  const h1 = tree.children.find((n): n is Heading => n.type === 'heading' && n.depth === 1);
  if (!h1) {
    problem(1, 'missing a "# Title" heading');
    return '';
  }
  return mdastToString(h1);
}

/** Splits the body at `##` headings; `###` headings become subsections. */
function splitSections(tree: Root, text: string): Section[] {
  const sections: Section[] = [];
  const nodes = tree.children;
  const slice = (from: RootContent[]) =>
    from.length ? text.slice(from[0]!.position!.start.offset, from[from.length - 1]!.position!.end.offset).trim() : '';
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type !== 'heading' || n.depth !== 2) continue;
    const body: RootContent[] = [];
    let j = i + 1;
    while (j < nodes.length && !(nodes[j]!.type === 'heading' && (nodes[j] as Heading).depth <= 2)) body.push(nodes[j++]!);
    const subsections: Section['subsections'] = [];
    for (let k = 0; k < body.length; k++) {
      const b = body[k]!;
      if (b.type !== 'heading' || b.depth !== 3) continue;
      const sub: RootContent[] = [];
      let m = k + 1;
      while (m < body.length && !(body[m]!.type === 'heading' && (body[m] as Heading).depth <= 3)) sub.push(body[m++]!);
      subsections.push({ title: mdastToString(b), markdown: slice(sub) });
    }
    sections.push({ title: mdastToString(n), markdown: slice(body), subsections, line: n.position?.start.line ?? 1 });
  }
  return sections;
}

/** Relative links to other pages (`401.md`, `../directives/nginx/deny.md`) become page ids. */
function collectLinks(tree: Root, relativePath: string, problem: (line: number, message: string) => void): Page['links'] {
  const links: Page['links'] = [];
  const visit = (node: { type: string; children?: unknown[] } & Partial<Link | Definition>) => {
    if ((node.type === 'link' || node.type === 'definition') && typeof node.url === 'string') {
      const url = node.url;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('#')) {
        const id = linkedPageId(relativePath, url.split('#')[0]!);
        if (id) links.push({ target: id, line: node.position?.start.line ?? 1 });
        else problem(node.position?.start.line ?? 1, `link "${url}" does not point to a page`);
      }
    }
    for (const child of (node.children ?? []) as (typeof node)[]) visit(child);
  };
  visit(tree as unknown as Parameters<typeof visit>[0]);
  return links;
}

/**
 * Checks that hold across pages: unique ids, links and related codes that resolve.
 * `known` lets a team folder link to built-in pages.
 */
export function checkIndex(pages: Page[], known: ReadonlySet<string> = new Set()): KbProblem[] {
  const problems: KbProblem[] = [];
  const ids = new Set([...known, ...pages.map((p) => p.id)]);
  for (const page of pages) {
    for (const link of page.links) {
      if (!ids.has(link.target)) problems.push({ file: page.source, line: link.line, column: 1, message: `link to "${link.target}", which has no page` });
    }
    if (page.kind === 'status') {
      for (const code of page.related) {
        if (!ids.has(`status/${code}`)) problems.push({ file: page.source, line: 1, column: 1, message: `related code ${code} has no page` });
      }
    }
  }
  return problems;
}

export function formatProblem(p: KbProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}
