/**
 * Runs one language over a real-world corpus file the way the service does, but lets any exception
 * of a rule surface; and the checks every corpus test makes of the results.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, LanguageSupport } from '../../server/src/types';
import { diskWorkspace } from '../../server/src/workspace';

export interface CorpusResult {
  /** Relative to the corpus folder. */
  file: string;
  doc: TextDocument;
  findings: Finding[];
}

export async function analyseCorpusFile<P>(language: LanguageSupport<P>, languageId: string, corpus: string, file: string, probeStep: number): Promise<CorpusResult> {
  const text = fs.readFileSync(file, 'utf8');
  const doc = TextDocument.create(`file://${file}`, languageId, 1, text);
  // Each corpus repository stands for one workspace folder.
  const repo = path.join(corpus, path.relative(corpus, file).split(path.sep)[0]!);
  const parsed = await language.parse(doc, { files: diskWorkspace(() => [repo]) });
  const findings: Finding[] = [...language.syntaxFindings(parsed)];
  for (const rule of language.rules) {
    rule.check({ document: doc, parsed, report: (r) => findings.push({ ruleId: rule.id, start: r.start, end: r.end, message: r.message, severity: r.severity ?? rule.severity, fixes: r.fixes ?? [] }) });
  }
  // Hovers and links must not throw either: probe symbols across the file.
  for (let offset = 0; offset < text.length; offset += probeStep) language.symbolAt(parsed, offset);
  language.documentLinks?.(parsed, doc);
  return { file: path.relative(corpus, file), doc, findings };
}

/** A finding for a failure message: `file:line ruleId: message`. */
export const where = (r: CorpusResult, f: Finding): string => `${r.file}:${r.doc.positionAt(f.start).line + 1} ${f.ruleId}: ${f.message}`;

/** Every finding, and every edit of its fixes, lies inside its document. */
export function assertInsideDocuments(results: CorpusResult[]): void {
  for (const { file, doc, findings } of results) {
    const length = doc.getText().length;
    for (const f of findings) {
      assert.ok(f.start >= 0 && f.start <= f.end && f.end <= length, `${file}: ${f.ruleId} at ${f.start}-${f.end} outside 0-${length}`);
      for (const fix of f.fixes) for (const e of fix.edits) assert.ok(e.start >= 0 && e.start <= e.end && e.end <= length, `${file}: a fix of ${f.ruleId} edits outside the text`);
    }
  }
}

/** The number of findings of each rule over all results, as JSON with the rule ids sorted (printed for review). */
export function findingsPerRule(results: CorpusResult[]): string {
  const counts: Record<string, number> = {};
  for (const { findings } of results) for (const f of findings) counts[f.ruleId] = (counts[f.ruleId] ?? 0) + 1;
  return JSON.stringify(counts, Object.keys(counts).sort());
}
