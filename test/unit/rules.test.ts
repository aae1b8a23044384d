/**
 * Every rule has a KB page, a firing fixture and a quiet fixture (meta-test), and every
 * fixture behaves as its inline `expect:` markers say. Each quick fix removes its finding.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { allRules } from '../../server/src/rules';
import { applyEdits } from '../../server/src/rules/text';
import { expectationsIn, fixtureFiles } from '../support/fixtures';
import { CONTENT, ROOT, documentFor, service } from '../support/service';

const ls = service();

for (const rule of allRules) {
  const [family, name] = rule.id.split('/') as [string, string];
  describe(`rule ${rule.id}`, () => {
    const { fires, quiet } = fixtureFiles(family, name, ROOT);

    it('has a KB page, a firing fixture and a quiet fixture', () => {
      assert.ok(fs.existsSync(path.join(CONTENT, 'rules', family, `${name}.md`)), `content/rules/${family}/${name}.md is missing`);
      assert.ok(fires.length > 0, `test/fixtures/${family}/${name}/fires.* is missing`);
      assert.ok(quiet.length > 0, `test/fixtures/${family}/${name}/quiet.* is missing`);
    });

    for (const file of fires) {
      it(`fires where marked in ${path.basename(file)}`, async () => {
        const doc = documentFor(file);
        const expected = expectationsIn(doc.getText());
        assert.ok(expected.some((e) => e.ruleId === rule.id), `${file} has no "expect: ${rule.id}" marker`);
        const findings = await ls.findings(doc);
        const actual = findings
          .filter((f) => f.ruleId === rule.id || expected.some((e) => e.ruleId === f.ruleId))
          .map((f) => `${doc.positionAt(f.start).line + 1}: ${f.ruleId}`);
        const wanted = expected.map((e) => `${e.line + 1}: ${e.ruleId}`);
        assert.deepEqual([...new Set(actual)].sort(), [...new Set(wanted)].sort());
      });
      it(`each quick fix in ${path.basename(file)} removes its finding`, async () => {
        const doc = documentFor(file);
        const findings = (await ls.findings(doc)).filter((f) => f.ruleId === rule.id);
        for (const finding of findings) {
          for (const fix of finding.fixes) {
            const fixed = documentFor(file, applyEdits(doc.getText(), fix.edits));
            const after = (await ls.findings(fixed)).filter((f) => f.ruleId === rule.id);
            const line = doc.positionAt(finding.start).line;
            assert.ok(
              after.length < findings.length || !after.some((f) => fixed.positionAt(f.start).line === line),
              `fix "${fix.title}" left the finding at line ${line + 1}`,
            );
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
