/**
 * Quick fixes against the real nginx: every nginx rule's firing fixture is a complete config;
 * each quick fix is applied through the language service and the result must pass `nginx -t`
 * and no longer have the finding. Originals pass `nginx -t` too, except nginx/invalid-status,
 * whose fixture must be refused. Quiet fixtures must pass `nginx -t` (they are realistic configs).
 *
 * It also checks the `nginx -t` facts behind nginx/invalid-status once more, next to the fixes
 * (the cited cases C-nginx-error-page-range and C-nginx-limit-status-range are registered and
 * run by ground-truth.test.ts via cases/claims.ts; N10c and N4a are ground-truth cases).
 *
 * Only `nginx -t` runs here: no server is started (live HTTP checks belong to another suite).
 * Without nginx the tests skip loudly; under CI=true a missing nginx is a failure.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { nginxRules } from '../../server/src/rules/nginx';
import { applyEdits } from '../../server/src/rules/text';
import { createLanguageService } from '../../server/src/service';
import { diskWorkspace } from '../../server/src/workspace';
import { fixtureFiles } from '../support/fixtures';
import { ROOT } from '../support/service';

const CI = process.env.CI === 'true';

function findNginx(): string | undefined {
  const candidates = [process.env.NGINX_BIN, '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'nginx'));
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}

const nginx = findNginx();
const skip = nginx ? false : `nginx not found (set NGINX_BIN or install it: scripts/setup-system.sh) -- nginx -t checks of quick fixes did NOT run`;
if (!nginx && !CI) console.warn(`\n!!! SKIPPED: ${skip}\n`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statuslens-nginx-t-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

/** `nginx -t` on a config text, with a private prefix and pid file. */
function nginxTest(text: string): { ok: boolean; output: string } {
  const file = path.join(tmp, `case-${++counter}.conf`);
  fs.writeFileSync(file, text);
  const r = spawnSync(nginx!, ['-t', '-q', '-p', `${tmp}/`, '-c', file, '-g', `pid ${path.join(tmp, 'nginx.pid')};`], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

const isComplete = (text: string) => /^\s*events\s*\{/m.test(text) && /^\s*http\s*\{/m.test(text);
const ls = createLanguageService({ kb: new KnowledgeBase([]), files: diskWorkspace() });
let version = 1;

describe('nginx -t accepts every quick fix', { skip: CI ? false : skip }, () => {
  it('nginx is installed', () => assert.ok(nginx, 'nginx is required under CI=true'));

  for (const rule of nginxRules) {
    const name = rule.id.split('/')[1]!;
    const { fires, quiet } = fixtureFiles('nginx', name, ROOT);
    describe(rule.id, () => {
      for (const file of fires) {
        const text = fs.readFileSync(file, 'utf8');
        it(`${path.basename(file)} is a complete config`, () => assert.ok(isComplete(text), `${file} needs events {} and http {} to be checked by nginx -t`));

        it(`${path.basename(file)}: the original ${rule.id === 'nginx/invalid-status' ? 'is refused' : 'passes'} nginx -t`, () => {
          const r = nginxTest(text);
          if (rule.id === 'nginx/invalid-status') assert.equal(r.ok, false, 'nginx -t accepted the invalid-status fixture');
          else assert.ok(r.ok, r.output);
        });

        it(`${path.basename(file)}: each quick fix passes nginx -t and removes its finding`, async () => {
          const doc = TextDocument.create(`file://${file}`, 'nginx', version++, text);
          const findings = (await ls.findings(doc)).filter((f) => f.ruleId === rule.id);
          assert.ok(findings.length > 0);
          for (const finding of findings) {
            for (const fix of finding.fixes) {
              const fixed = applyEdits(text, fix.edits);
              const r = nginxTest(fixed);
              assert.ok(r.ok, `fix "${fix.title}" at line ${doc.positionAt(finding.start).line + 1}: ${r.output}\n${fixed}`);
              const fixedDoc = TextDocument.create(`file://${file}`, 'nginx', version++, fixed);
              const again = (await ls.findings(fixedDoc)).filter((f) => f.ruleId === rule.id && f.message === finding.message && fixedDoc.getText().slice(f.start, f.end) === doc.getText().slice(finding.start, finding.end));
              assert.ok(again.length < findings.filter((f) => f.message === finding.message).length, `fix "${fix.title}" left its finding`);
            }
          }
        });
      }
      // envsubst templates (*.conf.template) are not configs until rendered.
      for (const file of quiet.filter((f) => !f.endsWith('.template'))) {
        it(`${path.basename(file)} passes nginx -t`, () => {
          const r = nginxTest(fs.readFileSync(file, 'utf8'));
          assert.ok(r.ok, r.output);
        });
      }
    });
  }
});

/** What `nginx -t` refuses, as nginx/invalid-status claims (same ids as the registered cases). */
describe('nginx -t facts behind nginx/invalid-status', { skip: CI ? false : skip }, () => {
  const server = (line: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18299;\n        ${line}\n    }\n}\n`;
  const cases: { id: string; line: string; ok: boolean }[] = [
    { id: 'C-nginx-error-page-range', line: 'error_page 299 /x.html;', ok: false },
    { id: 'C-nginx-error-page-range', line: 'error_page 300 /x.html;', ok: true },
    { id: 'C-nginx-error-page-range', line: 'error_page 599 /x.html;', ok: true },
    { id: 'C-nginx-error-page-range', line: 'error_page 600 /x.html;', ok: false },
    { id: 'C-nginx-error-page-range', line: 'error_page 499 /x.html;', ok: false },
    { id: 'C-nginx-limit-status-range', line: 'limit_req_status 399;', ok: false },
    { id: 'C-nginx-limit-status-range', line: 'limit_req_status 400;', ok: true },
    { id: 'C-nginx-limit-status-range', line: 'limit_req_status 599;', ok: true },
    { id: 'C-nginx-limit-status-range', line: 'limit_conn_status 600;', ok: false },
    { id: 'N10c', line: 'location / { return 1000; }', ok: false },
    { id: 'N10b', line: 'location / { return 999; }', ok: true },
    { id: 'N4a', line: 'limit_req zone=z burst=0;', ok: false },
  ];
  for (const c of cases) {
    it(`${c.id}: "${c.line}" ${c.ok ? 'passes' : 'is refused'}`, () => {
      const text = server(c.line).replace('http {\n', 'http {\n    limit_req_zone $binary_remote_addr zone=z:1m rate=1r/s;\n');
      const r = nginxTest(text);
      assert.equal(r.ok, c.ok, r.output);
    });
  }
});
