/** Output formats of `statuslens check`: stylish (people), json (scripts), sarif (code scanning). */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { firstParagraph, section } from '../kb/render';
import type { Rule, Severity } from '../types';

/** One finding, with 1-based lines and columns. */
export interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: Severity;
  message: string;
}

export function formatJson(findings: CliFinding[]): string {
  return JSON.stringify(findings, null, 2);
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', hint: '\x1b[2m', reset: '\x1b[0m', dim: '\x1b[2m', underline: '\x1b[4m', bold: '\x1b[1m' };

export function formatStylish(findings: CliFinding[], cwd: string, color: boolean): string {
  const c = (name: keyof typeof COLORS, text: string) => (color ? `${COLORS[name]}${text}${COLORS.reset}` : text);
  const byFile = new Map<string, CliFinding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push('', c('underline', path.relative(cwd, file) || file));
    const posWidth = Math.max(...list.map((f) => `${f.line}:${f.column}`.length));
    for (const f of list) {
      out.push(`  ${c('dim', `${f.line}:${f.column}`.padEnd(posWidth))}  ${c(f.severity, f.severity.padEnd(7))}  ${f.message}  ${c('dim', f.ruleId)}`);
    }
  }
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  if (findings.length) {
    const parts = [`${count('error')} errors`, `${count('warning')} warnings`];
    if (count('info') + count('hint')) parts.push(`${count('info') + count('hint')} notes`);
    out.push('', c(count('error') ? 'error' : 'warning', c('bold', `✖ ${findings.length} problem${findings.length === 1 ? '' : 's'} (${parts.join(', ')})`)), '');
  }
  return out.join('\n');
}

const SARIF_LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export interface SarifOptions {
  cwd: string;
  version: string;
  /** Base of human-readable rule pages, e.g. the repository's content/ folder. */
  helpBaseUrl: string;
  /** A rule's page under `helpBaseUrl` (the language service's `docsHref`). */
  helpUri(ruleId: string): string | undefined;
  rules: Rule<unknown>[];
  kb: KnowledgeBase;
}

export function formatSarif(findings: CliFinding[], options: SarifOptions): string {
  const ruleIds = [...new Set([...options.rules.map((r) => r.id), ...findings.map((f) => f.ruleId)])];
  const descriptors: ReportingDescriptor[] = ruleIds.map((id) => {
    const rule = options.rules.find((r) => r.id === id);
    const page = options.kb.rule(id);
    const why = page ? section(page, 'Why it matters') : undefined;
    const family = id.split('/')[0];
    return {
      id,
      name: id.split('/')[1]!.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase()),
      shortDescription: { text: page?.title.replace(/`/g, '') ?? id },
      ...(why ? { fullDescription: { text: firstParagraph(why.markdown).replace(/`/g, '') } } : {}),
      helpUri: options.helpUri(id),
      ...(page ? { help: { text: page.markdown, markdown: page.markdown } } : {}),
      defaultConfiguration: { level: SARIF_LEVEL[rule?.severity ?? page?.severity ?? 'error'] },
      properties: { tags: ['http-status', family], ...(page ? { statuses: page.statuses } : {}) },
    };
  });
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const rootUri = pathToFileURL(options.cwd + path.sep).href;
  const results: Result[] = findings.map((f) => {
    const rel = path.relative(options.cwd, f.file);
    const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: inside ? { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' } : { uri: pathToFileURL(f.file).href },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
    };
  });
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'StatusLens', version: options.version, semanticVersion: options.version, informationUri: options.helpBaseUrl.replace(/\/blob\/.*$/, ''), rules: descriptors } },
        originalUriBaseIds: { SRCROOT: { uri: rootUri } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
