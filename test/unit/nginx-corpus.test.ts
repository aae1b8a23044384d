/**
 * Every real-world nginx file of the shared corpus (../shared/corpus/nginx) goes through the
 * parser, the include analysis and every nginx rule without an exception, with every finding
 * inside its document. h5bp's configs (reference best practice) give no warning or error, and
 * gixy's add_header_redefinition fixtures fire nginx/add-header-drops-inherited exactly where
 * gixy does: each `*.conf` once, each `*_fp.conf` never.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { globSync } from 'tinyglobby';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nginxLanguage } from '../../server/src/languages/nginx';
import { diskWorkspace } from '../../server/src/workspace';
import { ROOT } from '../support/service';
import { analyseCorpusFile, assertInsideDocuments, findingsPerRule, where, type CorpusResult } from '../support/corpus';

const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'nginx');
const present = fs.existsSync(CORPUS);
const GIXY_REDEFINITION = 'yandex__gixy/tests/plugins/simply/add_header_redefinition';

const analyse = (file: string): Promise<CorpusResult> => analyseCorpusFile(nginxLanguage, 'nginx', CORPUS, file, 61);

describe('nginx corpus', { skip: present ? false : `corpus not found at ${CORPUS}` }, () => {
  const results: CorpusResult[] = [];
  before(async () => {
    const files = globSync('**/*', { cwd: CORPUS, dot: true, absolute: true, onlyFiles: true })
      .filter((f) => !f.endsWith('config.json'))
      .sort();
    for (const f of files) results.push(await analyse(f));
  });

  it('parses and checks every file, with findings inside their documents', () => {
    assert.ok(results.length >= 280, `only ${results.length} corpus files`);
    assertInsideDocuments(results);
    console.log(`nginx corpus: ${results.length} files; findings per rule: ${findingsPerRule(results)}`);
  });

  it('h5bp server-configs-nginx (reference best practice) gives no warning or error', () => {
    const h5bp = results.filter((r) => r.file.startsWith('h5bp__server-configs-nginx'));
    assert.ok(h5bp.length >= 30);
    const loud = h5bp.flatMap((r) => r.findings.filter((f) => f.severity === 'warning' || f.severity === 'error').map((f) => where(r, f)));
    assert.deepEqual(loud, []);
  });

  it('h5bp restored to its own layout, with the example site enabled, still gives no warning or error (includes followed)', async () => {
    // The corpus flattens paths (h5bp__basic.conf); put them back (h5bp/basic.conf) so that includes resolve.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'statuslens-h5bp-'));
    after(() => fs.rmSync(root, { recursive: true, force: true }));
    const source = path.join(CORPUS, 'h5bp__server-configs-nginx');
    for (const name of fs.readdirSync(source)) {
      const target = path.join(root, ...name.split('__'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(source, name), target);
    }
    // As h5bp's README says: copy the template into conf.d to enable the site.
    fs.copyFileSync(path.join(root, 'conf.d', 'templates', 'example.com.conf'), path.join(root, 'conf.d', 'example.com.conf'));
    const workspace = diskWorkspace(() => [root]);
    const loud: string[] = [];
    const placed: string[] = [];
    for (const file of globSync('**/*', { cwd: root, dot: true, absolute: true, onlyFiles: true }).sort()) {
      const doc = TextDocument.create(`file://${file}`, 'nginx', 1, fs.readFileSync(file, 'utf8'));
      const parsed = await nginxLanguage.parse(doc, { files: workspace });
      if (parsed.placements.some((p) => p.known && p.include)) placed.push(path.relative(root, file));
      for (const rule of nginxLanguage.rules) {
        rule.check({ document: doc, parsed, report: (r) => { if ((r.severity ?? rule.severity) === 'warning' || (r.severity ?? rule.severity) === 'error') loud.push(`${path.relative(root, file)} ${rule.id}: ${r.message}`); } });
      }
      for (const f of nginxLanguage.syntaxFindings(parsed)) loud.push(`${path.relative(root, file)} ${f.ruleId}: ${f.message}`);
    }
    assert.deepEqual(loud, []);
    // The include graph really was followed: snippets were judged inside the servers that include them.
    for (const snippet of ['h5bp/basic.conf', 'h5bp/location/security_file_access.conf', 'h5bp/security/x-frame-options.conf', 'conf.d/example.com.conf']) {
      assert.ok(placed.includes(snippet), `${snippet} was not found included`);
    }
    assert.ok(!placed.includes('conf.d/.default.conf'), 'conf.d/*.conf must not include the dot-file .default.conf');
  });

  it("gixy's add_header_redefinition cases fire nginx/add-header-drops-inherited once, its *_fp cases never", () => {
    const cases = results.filter((r) => r.file.startsWith(GIXY_REDEFINITION) && r.file.endsWith('.conf'));
    assert.ok(cases.length >= 8);
    for (const { file, findings } of cases) {
      const n = findings.filter((f) => f.ruleId === 'nginx/add-header-drops-inherited').length;
      assert.equal(n, file.endsWith('_fp.conf') ? 0 : 1, `${file}: ${n} findings`);
    }
  });

  it('broken corpus files get exactly one syntax diagnostic each', () => {
    const broken = ['nginxinc__crossplane/tests/configs/missing-semicolon/broken-above.conf', 'nginxinc__crossplane/tests/configs/missing-semicolon/broken-below.conf'];
    for (const name of broken) {
      const r = results.find((x) => x.file === name)!;
      assert.deepEqual(r.findings.filter((f) => f.ruleId === 'nginx/syntax').map((f) => r.doc.getText().slice(f.start, f.end)), ['proxy_pass http://is.broken.example']);
    }
  });
});
