import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DirectivePage, KbIndex, KbProblem, Page, RulePage, ServerFamily, StatusPage } from './types';

/** Read-only lookups over a set of pages; later layers (team folders) override earlier ones by id. */
export class KnowledgeBase {
  private readonly byId = new Map<string, Page>();

  constructor(pages: Iterable<Page>) {
    for (const p of pages) this.byId.set(p.id, p);
  }

  static fromIndex(index: KbIndex): KnowledgeBase {
    return new KnowledgeBase(index.pages);
  }

  /** A new knowledge base where `overrides` replace or extend pages of this one (see `mergePage`). */
  withOverrides(overrides: Iterable<Page>): KnowledgeBase {
    const merged = new Map(this.byId);
    for (const page of overrides) {
      const base = merged.get(page.id);
      merged.set(page.id, base ? mergePage(base, page) : page);
    }
    return new KnowledgeBase(merged.values());
  }

  get pages(): Page[] {
    return [...this.byId.values()];
  }
  get(id: string): Page | undefined {
    return this.byId.get(id);
  }
  status(code: number): StatusPage | undefined {
    const p = this.byId.get(`status/${code}`);
    return p?.kind === 'status' ? p : undefined;
  }
  directive(server: ServerFamily, name: string): DirectivePage | undefined {
    const p = this.byId.get(`directive/${server}/${name}`) ?? this.caseInsensitiveDirective(server, name);
    return p?.kind === 'directive' ? p : undefined;
  }
  rule(ruleId: string): RulePage | undefined {
    const p = this.byId.get(`rule/${ruleId}`);
    return p?.kind === 'rule' ? p : undefined;
  }
  /** Ids of the status pages a status page is usually confused with (its `related`), those that exist. */
  relatedPages(page: StatusPage): string[] {
    return page.related.map((code) => `status/${code}`).filter((id) => this.get(id));
  }

  statuses(): StatusPage[] {
    return this.pages.filter((p): p is StatusPage => p.kind === 'status').sort((a, b) => a.code - b.code);
  }

  private caseInsensitiveDirective(server: ServerFamily, name: string): Page | undefined {
    // Apache directive names are case-insensitive; nginx's are not.
    if (server !== 'apache') return undefined;
    const wanted = `directive/apache/${name}`.toLowerCase();
    for (const [id, page] of this.byId) if (id.toLowerCase() === wanted) return page;
    return undefined;
  }
}

/**
 * A team page overrides the built-in page section by section: sections it has replace the
 * built-in ones of the same title, new sections are appended, the rest of the built-in page stays.
 */
function mergePage(base: Page, override: Page): Page {
  if (base.kind !== override.kind) return override;
  const sections = base.sections.map((s) => override.sections.find((o) => o.title === s.title) ?? s);
  for (const o of override.sections) if (!base.sections.some((s) => s.title === o.title)) sections.push(o);
  const title = override.title || base.title;
  const markdown = [`# ${title}`, ...sections.map((s) => `## ${s.title}\n\n${s.markdown}`)].join('\n\n');
  // Only the frontmatter fields the override declares replace the built-in ones.
  const declared = override.partial ?? Object.keys(override);
  const fields = Object.fromEntries(Object.entries(override).filter(([k]) => declared.includes(k)));
  return {
    ...base,
    ...fields,
    title,
    sections,
    markdown,
    source: override.source,
    links: [...base.links, ...override.links],
    evidence: [...new Set([...base.evidence, ...override.evidence])],
  } as Page;
}

export interface FolderLoadResult {
  pages: Page[];
  problems: KbProblem[];
}

/**
 * Loads every page under `root` (status/, directives/, rules/), reporting problems with absolute paths.
 * The markdown and YAML parsers (./loader) load with the first folder: the bundled index, which the
 * server and the CLI start from, needs neither.
 */
export function loadFolder(root: string, known: ReadonlySet<string> = new Set()): FolderLoadResult {
  const { checkIndex, pageIdFromPath, parsePage } = require('./loader') as typeof import('./loader');
  const pages: Page[] = [];
  const problems: KbProblem[] = [];
  for (const file of listMarkdown(root)) {
    const relative = path.relative(root, file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      problems.push({ file, line: 1, column: 1, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const id = pageIdFromPath(relative);
    const result = parsePage(text, relative, file, { partial: !!id && known.has(id) });
    problems.push(...result.problems);
    if (result.page) pages.push(result.page);
  }
  problems.push(...checkIndex(pages, known));
  return { pages, problems };
}

function listMarkdown(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && e.name.endsWith('.md') && e.name !== 'README.md') out.push(full);
    }
  };
  walk(root);
  return out;
}
