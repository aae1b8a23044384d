/** The knowledge-base build rejects a malformed page with its file and line. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CONTENT, ROOT } from '../support/service';

function buildKb(content: string) {
  const out = path.join(content, '..', 'kb.json');
  return spawnSync(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, path.join(ROOT, 'scripts', 'build-kb.ts'), '--content', content, '--out', out], {
    cwd: path.dirname(content),
    encoding: 'utf8',
  });
}

describe('knowledge-base build', () => {
  it('builds the project content', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-kb-'));
    const content = path.join(tmp, 'content');
    fs.cpSync(CONTENT, content, { recursive: true });
    const r = buildKb(content);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /knowledge base: \d+ pages/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('fails with file:line when a page lacks its frontmatter code', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-kb-'));
    const content = path.join(tmp, 'content');
    fs.cpSync(CONTENT, content, { recursive: true });
    const page = path.join(content, 'status', '403.md');
    fs.writeFileSync(page, fs.readFileSync(page, 'utf8').replace(/^code: 403\n/m, ''));
    const r = buildKb(content);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /content\/status\/403\.md:2:1: frontmatter field "code" is required/);
    assert.match(r.stderr, /build failed/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
