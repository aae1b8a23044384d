/**
 * Every real-world Apache file of the shared corpus (../shared/corpus/apache, dotfiles included)
 * goes through the parser, the include/governing-config analysis and every Apache rule without an
 * exception, with every finding and fix inside its document. These are configs that real projects
 * ship and run, so the rules that say "Apache refuses this" must stay silent on them; h5bp's
 * configs (reference best practice) give no warning or error beyond the justified exception below.
 * Finding counts per rule are printed for review.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { globSync } from 'tinyglobby';
import { apacheLanguage } from '../../server/src/languages/apache';
import { diskWorkspace } from '../../server/src/workspace';
import { ROOT } from '../support/service';
import { analyseCorpusFile, assertInsideDocuments, findingsPerRule, where, type CorpusResult } from '../support/corpus';

const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'apache');
const present = fs.existsSync(CORPUS);

/**
 * h5bp findings we keep on purpose, each with its reason. The test fails when one disappears, so
 * the list cannot go stale.
 */
const H5BP_EXCEPTIONS: Record<string, { ruleId: string; why: string }> = {
  'h5bp__server-configs-apache/test__vhosts__.htaccess.server.localhost.conf': {
    ruleId: 'apache/ht-files-exposed',
    why:
      "h5bp's test harness config: a main config (ServerRoot) serving a DocumentRoot with AllowOverride All and no .ht* block. " +
      "It relies on h5bp's own .htaccess (dist/.htaccess denies dot-files with RewriteRule (^|/)\\. - [F]) being in that docroot. " +
      'From the server config alone, .htaccess/.htpasswd are served (A8b); the warning is true for this file.',
  },
};

/** Files that are broken on purpose (certbot's parser tests). */
const BROKEN_ON_PURPOSE = ['certbot__certbot/certbot/src/certbot/_internal/tests/plugins/apache/testdata/debian_apache_2_4/multiple_vhosts/apache2/conf-available/bad_conf_file.conf'];

// .conf.in, htaccess.txt and Drupal's "htaccess" are Apache files under other names: the language id says so.
const analyse = (file: string): Promise<CorpusResult> => analyseCorpusFile(apacheLanguage, 'apacheconf', CORPUS, file, 37);

describe('Apache corpus', { skip: present ? false : `corpus not found at ${CORPUS}` }, () => {
  const results: CorpusResult[] = [];
  let ms = 0;
  before(async () => {
    const files = globSync('**/*', { cwd: CORPUS, dot: true, absolute: true, onlyFiles: true }).sort();
    const t0 = performance.now();
    for (const f of files) results.push(await analyse(f));
    ms = performance.now() - t0;
  });

  it('parses and checks every file, with findings and fixes inside their documents', () => {
    assert.ok(results.length >= 125, `only ${results.length} corpus files`);
    assertInsideDocuments(results);
    console.log(`apache corpus: ${results.length} files in ${ms.toFixed(0)} ms; findings per rule: ${findingsPerRule(results)}`);
  });

  it('finds no error in configs real projects run (only certbot\'s deliberately broken file)', () => {
    const errors = results.flatMap((r) => r.findings.filter((f) => f.severity === 'error' && !BROKEN_ON_PURPOSE.includes(r.file)).map((f) => where(r, f)));
    assert.deepEqual(errors, []);
    const broken = results.find((r) => r.file === BROKEN_ON_PURPOSE[0]);
    assert.deepEqual(broken?.findings.map((f) => f.ruleId), ['apache/syntax']);
  });

  it('h5bp server-configs-apache (reference best practice) gives no warning or error but the justified exception', () => {
    const h5bp = results.filter((r) => r.file.startsWith('h5bp__server-configs-apache'));
    assert.ok(h5bp.length >= 40);
    const loud = h5bp.flatMap((r) =>
      r.findings.filter((f) => (f.severity === 'warning' || f.severity === 'error') && H5BP_EXCEPTIONS[r.file]?.ruleId !== f.ruleId).map((f) => where(r, f)),
    );
    assert.deepEqual(loud, []);
    for (const [file, { ruleId, why }] of Object.entries(H5BP_EXCEPTIONS)) {
      const r = h5bp.find((x) => x.file === file);
      assert.ok(r?.findings.some((f) => f.ruleId === ruleId), `stale exception (${file}: ${ruleId}); drop it: ${why}`);
    }
  });

  it('reports the 2.2 access control that Apache 2.4 refuses without mod_access_compat, and not the guarded fallbacks', () => {
    const legacy = (name: string) => results.find((r) => r.file === name)!.findings.filter((f) => f.ruleId === 'apache/legacy-access-control').length;
    // Magento's pub/.htaccess: Order/Allow at the top level and in two <Files> blocks, unguarded.
    assert.equal(legacy('magento__magento2/pub__.htaccess'), 6);
    // Drupal and Grav wrap theirs in <IfModule !mod_authz_core.c>: never read by 2.4.
    assert.equal(legacy('drupal__core/assets__scaffold__files__htaccess'), 0);
    assert.equal(legacy('getgrav__grav/user__data__.htaccess'), 0);
    assert.equal(legacy('codeigniter4__appstarter/app__.htaccess'), 0);
  });

  it('resolves includes in the distribution trees (RHEL httpd.conf pulls in conf.d and conf.modules.d)', async () => {
    const rhel = results.find((r) => r.file.endsWith('centos7_apache/apache/httpd/conf/httpd.conf'))!;
    const parsed = await apacheLanguage.parse(rhel.doc, { files: diskWorkspace() });
    assert.ok(parsed.included.length >= 8, `only ${parsed.included.length} included files`);
    assert.equal(parsed.unresolvedIncludes, 0);
    // Its <Files ".ht*"> block protects the DocumentRoot: no ht-files-exposed.
    assert.ok(!rhel.findings.some((f) => f.ruleId === 'apache/ht-files-exposed'));
  });
});
