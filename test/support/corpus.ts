/** Runs one language over a real-world corpus file the way the service does, but lets any exception of a rule surface. */
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
