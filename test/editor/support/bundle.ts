/**
 * Bundles test/editor/suite/ (index.ts and every *.test.ts) into one CommonJS file the
 * extension host can load as `extensionTestsPath`. `vscode` comes from the host; mocha is
 * left external and resolves from the repository's node_modules (the bundle lives inside
 * the repository, in .vscode-test/build/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './env';

export const SUITE_DIR = path.join(ROOT, 'test', 'editor', 'suite');
export const SUITE_BUNDLE = path.join(ROOT, '.vscode-test', 'build', 'suite.js');

export async function bundleSuite(outfile = SUITE_BUNDLE): Promise<{ outfile: string; files: string[] }> {
  const files = fs
    .readdirSync(SUITE_DIR)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => f.slice(0, -'.test.ts'.length));
  if (!files.length) throw new Error(`no *.test.ts in ${SUITE_DIR}`);
  await build({
    entryPoints: [path.join(SUITE_DIR, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    define: { STATUSLENS_SUITE_FILES: JSON.stringify(files) },
    logLevel: 'warning',
  });
  return { outfile, files };
}
