#!/usr/bin/env node
/**
 * Regenerates the README's pictures (docs/*.png) from the UI test: the packaged .vsix in
 * code-server + Chromium, driven by mouse and keyboard (test/editor/ui.test.ts). The test crops
 * each picture from the step it shows and, with STATUSLENS_DOCS_SCREENSHOTS=1, writes it to
 * docs/. Fails when the test fails or skips (a missing tool), or when a picture was not
 * rewritten by this run.
 *
 *   npm run screenshots
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The pictures README.md shows, in the order of its "What it looks like" section. */
const PICTURES = ['hover', 'problems', 'lightbulb', 'explain-view', 'compare'];

const started = Date.now();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', path.join('test', 'editor', 'ui.test.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, STATUSLENS_DOCS_SCREENSHOTS: '1' },
});
if (r.status !== 0) {
  console.error(`screenshots: the UI test failed (exit ${r.status ?? r.signal}); docs/ may be partly rewritten`);
  process.exit(1);
}
let stale = 0;
for (const name of PICTURES) {
  const file = path.join(root, 'docs', `${name}.png`);
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st || st.mtimeMs < started) {
    console.error(`screenshots: docs/${name}.png was not written by this run (was the UI test skipped? scripts/setup-system.sh, scripts/setup-code-server.sh)`);
    stale++;
  } else {
    console.log(`docs/${name}.png  ${(st.size / 1024).toFixed(0)} KB`);
  }
}
process.exit(stale ? 1 : 0);
