/**
 * Route rules against their fixtures, as the meta-test (rules.test.ts) checks them, but with the
 * knowledge base loaded leniently so these run while other pages are being written. Plus the
 * properties of each quick fix: it applies cleanly and removes its finding.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { KnowledgeBase, loadFolder } from '../../server/src/kb/knowledgeBase';
import { routesRules } from '../../server/src/rules/routes';
import { applyEdits } from '../../server/src/rules/text';
import { expectationsIn, fixtureFiles } from '../support/fixtures';
import { CONTENT, ROOT, documentFor, service } from '../support/service';

const ls = service(undefined, new KnowledgeBase(loadFolder(CONTENT).pages));

for (const rule of routesRules) {
  const name = rule.id.split('/')[1]!;
  describe(`routes rule ${rule.id}`, () => {
    const { fires, quiet } = fixtureFiles('routes', name, ROOT);
    it('has firing and quiet fixtures', () => {
      assert.ok(fires.length > 0 && quiet.length > 0);
    });
    for (const file of fires) {
      it(`fires where marked in ${path.basename(file)}`, async () => {
        const doc = documentFor(file);
        const expected = expectationsIn(doc.getText()).filter((e) => e.ruleId === rule.id);
        assert.ok(expected.length > 0, `${file} has no marker for ${rule.id}`);
        const findings = (await ls.findings(doc)).filter((f) => f.ruleId === rule.id);
        const actual = findings.map((f) => `${doc.positionAt(f.start).line + 1}: ${f.ruleId}`);
        assert.deepEqual([...new Set(actual)].sort(), [...new Set(expected.map((e) => `${e.line + 1}: ${e.ruleId}`))].sort());
      });
      it(`each quick fix in ${path.basename(file)} removes its finding`, async () => {
        const doc = documentFor(file);
        const findings = (await ls.findings(doc)).filter((f) => f.ruleId === rule.id);
        for (const finding of findings) {
          for (const fix of finding.fixes) {
            const fixed = documentFor(file, applyEdits(doc.getText(), fix.edits));
            const after = (await ls.findings(fixed)).filter((f) => f.ruleId === rule.id);
            assert.ok(after.length < findings.length, `fix "${fix.title}" at line ${doc.positionAt(finding.start).line + 1} left the finding:\n${fixed.getText()}`);
          }
        }
      });
    }
    for (const file of quiet) {
      it(`stays quiet in ${path.basename(file)}`, async () => {
        const doc = documentFor(file);
        const findings = (await ls.findings(doc)).filter((f) => f.ruleId === rule.id);
        assert.deepEqual(findings.map((f) => `${doc.positionAt(f.start).line + 1}: ${f.message}`), []);
      });
    }
  });
}
