/** `statuslens check` and `statuslens explain`, driven in-process over the project KB. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import { run, type CliIo } from '../../server/src/cli';
import { ROOT, projectKb } from '../support/service';

const SITE = path.join(ROOT, 'test', 'fixtures', 'cli', 'site');

async function cli(args: string[], cwd = SITE, tty = false) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdoutIsTty: tty, stderrIsTty: false, kb: projectKb() };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

describe('statuslens check', () => {
  it('finds configs in the current folder, honours .gitignore, prints JSON with 1-based positions, exits 1', async () => {
    const r = await cli(['check', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(findings.map((f) => [path.relative(SITE, String(f.file)), f.line, f.column, f.ruleId]), [['nginx.conf', 7, 13, 'nginx/allow-after-deny-all']]);
    assert.deepEqual(Object.keys(findings[0]!).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'ruleId', 'severity']);
  });

  it('exits 0 on a clean file', async () => {
    const r = await cli(['check', 'conf.d/clean.conf']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('exits 2 with a clear message for a missing path', async () => {
    const r = await cli(['check', 'no/such/file.conf']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such file or folder: no\/such\/file\.conf/);
  });

  it('exits 2 on a bad option value', async () => {
    const r = await cli(['check', '--rule', 'nginx/allow-after-deny-all=loud']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected <rule-id>=/);
  });

  it('--rule off silences a rule; --max-warnings allows some warnings', async () => {
    assert.equal((await cli(['check', '--rule', 'nginx/allow-after-deny-all=off'])).code, 0);
    assert.equal((await cli(['check', '--max-warnings', '1'])).code, 0);
    assert.equal((await cli(['check', '--rule', 'nginx/allow-after-deny-all=error', '--max-warnings', '5'])).code, 1);
  });

  it('stylish output names the file, the position, the rule and a total', async () => {
    const r = await cli(['check']);
    assert.match(r.stdout, /nginx\.conf\n\s+7:13\s+warning\s+This allow is never reached.*nginx\/allow-after-deny-all/);
    assert.match(r.stdout, /1 problem \(0 errors, 1 warnings\)/);
  });

  it('writes SARIF 2.1.0 that validates against the official schema', async () => {
    const r = await cli(['check', '--format', 'sarif']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as import('sarif').Log;
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The official schema has a language-tag pattern that is only valid without the `u` flag.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const run0 = log.runs[0]!;
    assert.equal(run0.results![0]!.ruleId, 'nginx/allow-after-deny-all');
    assert.equal(run0.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri, 'nginx.conf');
    const rule = run0.tool.driver.rules!.find((x) => x.id === 'nginx/allow-after-deny-all')!;
    assert.match(rule.helpUri ?? '', /^https:\/\/.*\/content\/rules\/nginx\/allow-after-deny-all\.md$/);
    assert.ok((rule.help?.markdown?.length ?? 0) > 100, 'rule help carries the KB page');
  });

  it('--help works for every command', async () => {
    for (const args of [['--help'], ['check', '--help'], ['explain', '--help']]) {
      const r = await cli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: statuslens/);
    }
  });
});

describe('statuslens explain', () => {
  it('prints a status page as plain markdown when not a terminal', async () => {
    const r = await cli(['explain', '403']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^# 403 Forbidden/);
  });
  it('renders headings and code for a terminal', async () => {
    const r = await cli(['explain', '403'], SITE, true);
    assert.equal(r.code, 0);
    // Colours depend on the terminal (chalk reads the environment); the layout does not.
    assert.doesNotMatch(r.stdout, /^#{1,3} /m, 'markdown heading markers are rendered away');
    assert.doesNotMatch(r.stdout, /^```/m, 'code fences are rendered as indented blocks');
    assert.match(r.stdout, /^\s+location \/admin\/ \{/m, 'snippets keep their text');
  });
  it('finds rule pages and directives, and says what to try when nothing matches', async () => {
    assert.equal((await cli(['explain', 'nginx/allow-after-deny-all'])).code, 0);
    assert.match((await cli(['explain', 'limit_req'])).stdout, /limit_req/);
    const r = await cli(['explain', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no page for "nope"/);
  });
});
