/**
 * Runs the route-file analysis over a folder and prints every finding (and every status found),
 * for false-positive hunts on real projects:
 *   node --import tsx scripts/scan-routes.ts <folder> [--sites] [--json]
 * Nothing is written; exceptions are caught per file and reported, never swallowed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KnowledgeBase, loadFolder } from '../server/src/kb/knowledgeBase';
import { parseRouteFile } from '../server/src/parsers/routes';
import { createLanguageService } from '../server/src/service';

const LANGUAGE_BY_EXT: Record<string, string> = {
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescriptreact',
  '.py': 'python', '.php': 'php', '.rb': 'ruby', '.go': 'go',
};
const SKIP = new Set(['node_modules', '.git', 'vendor', 'dist', 'build', '.next', '__pycache__', 'venv', '.venv']);

function* walk(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (LANGUAGE_BY_EXT[path.extname(entry.name)] && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.min.js')) yield full;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const root = args.find((a) => !a.startsWith('--'));
  if (!root) {
    console.error('usage: scan-routes.ts <folder> [--sites] [--json]');
    process.exit(2);
  }
  const showSites = args.includes('--sites');
  const json = args.includes('--json');
  const content = path.resolve(__dirname, '..', 'content');
  const service = createLanguageService({ kb: new KnowledgeBase(loadFolder(content).pages) });
  const stats = { files: 0, routeFiles: 0, sites: 0, findings: 0, errors: 0, ms: 0 };
  const out: object[] = [];
  for (const file of walk(path.resolve(root))) {
    stats.files++;
    const text = fs.readFileSync(file, 'utf8');
    if (text.length > 2_000_000) continue;
    const document = TextDocument.create(`file://${file}`, LANGUAGE_BY_EXT[path.extname(file)]!, 1, text);
    const rel = path.relative(root, file);
    try {
      const t0 = performance.now();
      const parsed = await parseRouteFile(document.uri, document.languageId, text);
      const findings = await service.findings(document);
      stats.ms += performance.now() - t0;
      if (parsed.qualifies) stats.routeFiles++;
      stats.sites += parsed.sites.length;
      if (showSites) {
        for (const s of parsed.sites) console.log(`  site ${rel}:${document.positionAt(s.start).line + 1} ${s.code} ${s.producer} ${JSON.stringify(text.slice(s.start, s.end))}`);
      }
      let lines: string[] | undefined;
      for (const f of findings) {
        stats.findings++;
        const pos = document.positionAt(f.start);
        const line = (lines ??= text.split('\n'))[pos.line]!.trim();
        if (json) out.push({ file: rel, line: pos.line + 1, rule: f.ruleId, code: line });
        else console.log(`${rel}:${pos.line + 1}:${pos.character + 1} ${f.ruleId}\n    ${line.slice(0, 160)}`);
      }
    } catch (err) {
      stats.errors++;
      console.log(`ERROR ${rel}: ${(err as Error).stack ?? err}`);
    }
  }
  if (json) console.log(JSON.stringify(out, null, 1));
  console.error(`scanned ${stats.files} files, ${stats.routeFiles} route files, ${stats.sites} status sites, ${stats.findings} findings, ${stats.errors} errors, ${stats.ms.toFixed(0)} ms`);
}

void main();
