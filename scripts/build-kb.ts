/**
 * Compiles content/ into dist/kb.json. A malformed page fails the build with
 * `file:line:column: what is wrong` for every problem found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadFolder } from '../server/src/kb/knowledgeBase';
import { formatProblem } from '../server/src/kb/loader';
import type { KbIndex } from '../server/src/kb/types';

const root = path.resolve(__dirname, '..');
// `--content <dir> --out <file>` exist for tests; the build uses the defaults.
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const contentDir = path.resolve(arg('--content') ?? path.join(root, 'content'));
const outFile = path.resolve(arg('--out') ?? path.join(root, 'dist', 'kb.json'));

const { pages, problems } = loadFolder(contentDir);
if (problems.length) {
  for (const p of problems) console.error(formatProblem({ ...p, file: path.relative(process.cwd(), p.file) }));
  console.error(`knowledge base: ${problems.length} problem(s); build failed`);
  process.exit(1);
}
// Paths in the index are relative to content/, so the build output holds no machine paths.
const index: KbIndex = { version: 1, pages: pages.map((p) => ({ ...p, source: path.relative(contentDir, p.source).split(path.sep).join('/') })) };
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, JSON.stringify(index));
const counts = pages.reduce<Record<string, number>>((acc, p) => ((acc[p.kind] = (acc[p.kind] ?? 0) + 1), acc), {});
console.log(`knowledge base: ${pages.length} pages (${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}) -> ${path.relative(root, outFile)}`);
