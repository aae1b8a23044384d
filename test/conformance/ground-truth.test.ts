/**
 * Re-measures every case of ../shared/ground-truth/table.md (N1a..N11b, A1a..A11d) and every
 * conformance claim (C-…) on real nginx and Apache, then checks that each case id the knowledge
 * base cites as evidence is one of the cases run here. Prints a table of all checks at the end.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { CONTENT, SHARED } from '../support/service';
import { claimCases } from './cases/claims';
import { apacheGroundTruth } from './cases/groundTruthApache';
import { nginxGroundTruth } from './cases/groundTruthNginx';
import { statusPageCases } from './cases/statusPages';
import { CaseContext, type ConformanceCase, assertUniqueIds } from './cases/support';
import { CI, ResultTable, type Sandbox, createSandbox, needs, removeSandbox, stopAllServers } from './harness';

const groundTruth: ConformanceCase[] = [...nginxGroundTruth, ...apacheGroundTruth];
const allCases: ConformanceCase[] = [...groundTruth, ...claimCases, ...statusPageCases];
assertUniqueIds(allCases);
/** The registry of case ids this file exercises (each one is an `it` below). */
const exercised = new Set(allCases.map((c) => c.id));

const table = new ResultTable('Conformance cases: ground truth and KB claims (case id → observed)');
let sandbox: Sandbox | undefined;

before(() => {
  sandbox = createSandbox('cases');
});

after(async () => {
  await stopAllServers();
  console.log(`\n${table.render()}\n`);
  if (sandbox) removeSandbox(sandbox);
});

function runCase(c: ConformanceCase): void {
  it(c.id, needs(c.server), async () => {
    assert.ok(sandbox, 'sandbox not created');
    await c.run(new CaseContext(sandbox, table, c.id));
  });
}

describe('ground truth (../shared/ground-truth/table.md)', () => {
  for (const c of groundTruth) runCase(c);
});

describe('knowledge-base claims (C-…)', () => {
  for (const c of claimCases) runCase(c);
});

describe('status-page claims (C-…): timeouts, TLS, upstream failures', () => {
  for (const c of statusPageCases) runCase(c);
});

// ------------------------------------------------------------------ evidence coverage

const CASE_ID = /^(?:[NA]\d+[a-z]?|C-[a-z0-9-]+)$/;

/** Case ids mentioned in markdown prose: `N4b`, `A11c`, `C-nginx-…`, ranges such as `N4b-N4e`. */
function caseIdsInText(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const ids = new Set<string>();
  for (const m of prose.matchAll(/\b([NA])(\d{1,2})([a-z])-\1\2([a-z])\b/g)) {
    for (let c = m[3]!.charCodeAt(0); c <= m[4]!.charCodeAt(0); c++) ids.add(`${m[1]}${m[2]}${String.fromCharCode(c)}`);
  }
  for (const m of prose.matchAll(/\b[NA]\d{1,2}[a-z]?\b/g)) ids.add(m[0]);
  for (const m of prose.matchAll(/\bC-(?:nginx|apache)-[a-z0-9-]*[a-z0-9]/g)) ids.add(m[0]);
  return [...ids];
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

/** id → the content files that cite it (frontmatter `evidence:` or prose). */
function citedCaseIds(): Map<string, Set<string>> {
  const cited = new Map<string, Set<string>>();
  const cite = (id: string, file: string) => {
    if (!cited.has(id)) cited.set(id, new Set());
    cited.get(id)!.add(path.relative(CONTENT, file));
  };
  for (const file of markdownFiles(CONTENT)) {
    const text = fs.readFileSync(file, 'utf8');
    const fm = /^---\n([\s\S]*?)\n---\n/.exec(text);
    if (fm) {
      const data: unknown = parseYaml(fm[1]!);
      const evidence = data && typeof data === 'object' && 'evidence' in data ? (data as { evidence: unknown }).evidence : undefined;
      if (Array.isArray(evidence)) for (const e of evidence) if (typeof e === 'string' && CASE_ID.test(e)) cite(e, file);
    }
    for (const id of caseIdsInText(fm ? text.slice(fm[0].length) : text)) cite(id, file);
  }
  return cited;
}

describe('evidence coverage', () => {
  it('every case id the knowledge base cites is exercised by this suite', () => {
    const cited = citedCaseIds();
    assert.ok(cited.size > 0, 'found no case ids in content/ at all: is the scanner broken?');
    const missing = [...cited].filter(([id]) => !exercised.has(id)).map(([id, files]) => `${id} (cited in ${[...files].sort().join(', ')})`);
    assert.deepEqual(missing, [], `cited but not exercised by test/conformance:\n${missing.join('\n')}`);
  });

  const tableFile = path.join(SHARED, 'ground-truth', 'table.md');
  const haveTable = fs.existsSync(tableFile);
  it('every case of ../shared/ground-truth/table.md is re-measured here', haveTable || CI ? {} : { skip: `NOT RUN: ${tableFile} is missing` }, () => {
    const ids = [...fs.readFileSync(tableFile, 'utf8').matchAll(/^\| ([NA]\d+[a-z]?) \|/gm)].map((m) => m[1]!);
    assert.ok(ids.length >= 50, `only ${ids.length} case rows found in table.md`);
    assert.deepEqual(ids.filter((id) => !exercised.has(id)), []);
  });

  it('finds ids in prose, ranges included, and ignores code blocks', () => {
    assert.deepEqual(caseIdsInText('(measured: N4b-N4e, A5b) see C-nginx-static-post-405.\n```nginx\n# N9z\n```\n').sort(), [
      'A5b',
      'C-nginx-static-post-405',
      'N4b',
      'N4c',
      'N4d',
      'N4e',
    ]);
  });
});
