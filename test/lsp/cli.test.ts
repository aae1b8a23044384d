/** The bundled CLI as CI runs it: over the whole third-party corpus, never a crash or exit 2. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, SHARED } from '../support/service';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const CORPUS = path.join(SHARED, 'corpus');

describe('statuslens check over ../shared/corpus (bundled CLI)', () => {
  it('checks the corpus with exit 0 or 1 and well-formed JSON findings', { skip: fs.existsSync(CORPUS) ? false : `no corpus at ${CORPUS}` }, () => {
    const r = spawnSync(process.execPath, [CLI, 'check', CORPUS, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    const findings = JSON.parse(r.stdout) as { file: string; line: number; column: number; ruleId: string; severity: string }[];
    const perRule: Record<string, number> = {};
    for (const f of findings) {
      assert.ok(f.line >= 1 && f.column >= 1, JSON.stringify(f));
      perRule[f.ruleId] = (perRule[f.ruleId] ?? 0) + 1;
    }
    console.log(`corpus: ${findings.length} findings in ${new Set(findings.map((f) => f.file)).size} files: ${JSON.stringify(perRule)}`);
    // Reference best practice stays clean of warnings and errors (h5bp, nginx and Apache).
    const h5bp = findings.filter((f) => f.file.includes('h5bp__') && (f.severity === 'error' || f.severity === 'warning'));
    assert.deepEqual(
      h5bp.filter((f) => !f.file.endsWith('.htaccess.server.localhost.conf')).map((f) => `${path.relative(CORPUS, f.file)}:${f.line} ${f.ruleId}`),
      [],
    );
  });

  it('exits 2 with a message for a path that does not exist', () => {
    const r = spawnSync(process.execPath, [CLI, 'check', path.join(CORPUS, 'no-such-folder')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no such file or folder/);
  });
});
