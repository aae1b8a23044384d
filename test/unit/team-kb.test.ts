/** Team knowledge-base folders: override built-in pages, report broken pages, respect trust. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver-types';
import { loadTeamKnowledge } from '../../server/src/kb/teamKnowledge';
import { createLanguageService } from '../../server/src/service';
import { projectKb } from '../support/service';

function folderWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-team-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const OVERRIDE_403 = `---
kind: status
code: 403
---
# 403 Forbidden

## Summary

At ACME a 403 almost always comes from the WAF rule 9412: open a ticket with the edge team.
`;

describe('team knowledge base', () => {
  it('a team page overrides the built-in 403 summary, and the hover shows it', async () => {
    const dir = folderWith({ 'status/403.md': OVERRIDE_403 });
    const team = loadTeamKnowledge(projectKb(), { paths: [dir], workspaceRoots: [], trusted: true });
    assert.deepEqual(team.problems, []);
    const page = team.kb.status(403)!;
    assert.match(page.sections.find((s) => s.title === 'Summary')!.markdown, /WAF rule 9412/);
    // The rest of the built-in page stays: name, spec and comparisons.
    assert.equal(page.name, 'Forbidden');
    assert.ok(page.sections.some((s) => s.title === 'Compared with'));
    const ls = createLanguageService({ kb: team.kb });
    const doc = TextDocument.create('file:///ws/nginx.conf', 'nginx', 1, 'return 403;');
    const hover = await ls.doHover(doc, { line: 0, character: 8 });
    assert.match((hover!.contents as MarkupContent).value, /WAF rule 9412/);
  });

  it('adds new pages next to the built-in ones', () => {
    const dir = folderWith({
      'rules/nginx/team-only.md': `---\nkind: rule\nid: nginx/team-only\nseverity: info\nstatuses: [403]\nevidence: []\n---\n# Team rule\n\n## Why it matters\n\nx\n\n## Failing example\n\nx\n\n## Fixed example\n\nx\n\n## Quick fix\n\nnone\n`,
    });
    const team = loadTeamKnowledge(projectKb(), { paths: [dir], workspaceRoots: [], trusted: true });
    assert.deepEqual(team.problems, []);
    assert.ok(team.kb.rule('nginx/team-only'));
  });

  it('a broken page becomes a problem with its file and line, and the built-in page stays', () => {
    const dir = folderWith({ 'status/999.md': `---\nkind: status\ncode: nine\n---\n# 999\n` });
    const team = loadTeamKnowledge(projectKb(), { paths: [dir], workspaceRoots: [], trusted: true });
    assert.ok(team.problems.length > 0);
    assert.equal(team.problems[0]!.file, path.join(dir, 'status', '999.md'));
    assert.equal(team.problems[0]!.line, 3);
    assert.equal(team.kb.status(999), undefined);
    assert.ok(team.kb.status(403));
  });

  it('a missing folder is a problem, not a crash', () => {
    const team = loadTeamKnowledge(projectKb(), { paths: ['/nonexistent/statuslens-kb'], workspaceRoots: [], trusted: true });
    assert.match(team.problems[0]!.message, /does not exist/);
  });

  it('an untrusted workspace does not load folders inside it', () => {
    const ws = folderWith({ 'kb/status/403.md': OVERRIDE_403 });
    const team = loadTeamKnowledge(projectKb(), { paths: ['kb'], workspaceRoots: [ws], trusted: false });
    assert.deepEqual(team.refused, [path.join(ws, 'kb')]);
    assert.doesNotMatch(team.kb.status(403)!.sections[0]!.markdown, /WAF rule 9412/);
    const trusted = loadTeamKnowledge(projectKb(), { paths: ['kb'], workspaceRoots: [ws], trusted: true });
    assert.match(trusted.kb.status(403)!.sections.find((s) => s.title === 'Summary')!.markdown, /WAF rule 9412/);
  });
});
