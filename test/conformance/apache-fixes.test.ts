/**
 * `apache2 -t` on every Apache quick fix (issue 5): each fires fixture of each Apache rule gets
 * every variant of its quick fixes applied through the language service (fix k of every finding,
 * re-analysing after each edit, until no fixable finding is left), and the result must be a config
 * Apache accepts. Legacy access-control conversions are checked with mod_access_compat NOT loaded,
 * so a single Order/Allow/Deny line left behind fails the check (A2b).
 *
 * A .htaccess fixture is checked inside `<Directory …>` of a minimal server config: `apache2 -t`
 * never reads .htaccess files, and a <Directory> block is the context the same directives are
 * parsed in, so this checks every line's syntax and arguments. It cannot show what a .htaccess
 * adds on top (AllowOverride classes): test/conformance/rules.test.ts covers that with a running
 * server.
 *
 * The premises of the rules that say "Apache refuses this" are checked too: each line that
 * apache/directive-not-allowed-here (server config) or apache/inline-comment reports as refused
 * makes `apache2 -t` fail on its own, and every quiet fixture is a config Apache accepts.
 * No server is started here.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { parseApache, walkApache } from '../../server/src/parsers/apache';
import { apacheRules } from '../../server/src/rules/apache';
import { applyEdits, lineRangeOf } from '../../server/src/rules/text';
import type { Finding } from '../../server/src/types';
import { fixtureFiles } from '../support/fixtures';
import { ROOT, documentFor, service } from '../support/service';
import { APACHE_COMMON_MODULES, apacheSkeleton, apacheTest, createSandbox, freePorts, needs, removeSandbox, type ConfigTest, type Sandbox } from './harness';

const ls = service(undefined, new KnowledgeBase([]));
/** Rules whose fixes must not need mod_access_compat: their whole point is to get rid of it. */
const WITHOUT_ACCESS_COMPAT = new Set(['apache/legacy-access-control', 'apache/mixed-access-control']);

let sandbox: Sandbox;
let port = 0;
let counter = 0;

/** A fixture's text as a complete config: .htaccess content goes inside a <Directory> block. */
function asConfig(file: string, text: string, modules: string[]): string {
  const body = file.endsWith('.htaccess') ? `<Directory "${sandbox.htdocs}/htdir">\n${text}\n</Directory>` : text;
  return apacheSkeleton(sandbox, `fix${++counter}`, port, body, { modules });
}

async function check(file: string, text: string, modules: string[]): Promise<ConfigTest> {
  return apacheTest(sandbox, `fix${counter + 1}`, asConfig(file, text, modules));
}

const modulesFor = (ruleId: string) => (WITHOUT_ACCESS_COMPAT.has(ruleId) ? APACHE_COMMON_MODULES : [...APACHE_COMMON_MODULES, 'access_compat']);

async function findingsOf(file: string, text: string, ruleId: string): Promise<Finding[]> {
  return (await ls.findings(documentFor(file, text))).filter((f) => f.ruleId === ruleId);
}

/** Applies fix number `k` (or the last one a finding has) to every fixable finding, one at a time. */
async function applyAll(file: string, ruleId: string, k: number): Promise<{ text: string; titles: string[]; left: Finding[] }> {
  let text = fs.readFileSync(file, 'utf8');
  const titles: string[] = [];
  for (let round = 0; round < 100; round++) {
    const next = (await findingsOf(file, text, ruleId)).find((f) => f.fixes.length);
    if (!next) break;
    const fix = next.fixes[Math.min(k, next.fixes.length - 1)]!;
    titles.push(fix.title);
    text = applyEdits(text, fix.edits);
  }
  return { text, titles, left: (await findingsOf(file, text, ruleId)).filter((f) => f.fixes.length) };
}

/** The text without the whole lines of the directives that start at `starts`. */
function withoutDirectives(text: string, starts: number[]): string {
  const file = parseApache(text);
  const cuts: { start: number; end: number; newText: string }[] = [];
  for (const d of walkApache(file.directives)) {
    if (!starts.includes(d.start) && !starts.includes(d.nameStart)) continue;
    const r = lineRangeOf(text, d.start, d.end);
    cuts.push({ start: r.start, end: r.end, newText: '' });
  }
  return applyEdits(text, cuts);
}

describe('apache2 -t on the Apache quick fixes', needs('apache'), () => {
  before(async () => {
    sandbox = createSandbox('apache-fixes');
    port = (await freePorts(1))[0]!;
  });
  after(() => removeSandbox(sandbox));

  let checked = 0;
  for (const rule of apacheRules) {
    const name = rule.id.split('/')[1]!;
    const { fires, quiet } = fixtureFiles('apache', name, ROOT);
    describe(rule.id, () => {
      for (const file of fires) {
        it(`every quick fix of ${path.basename(file)} gives a config apache2 -t accepts${WITHOUT_ACCESS_COMPAT.has(rule.id) ? ' (without mod_access_compat)' : ''}`, async (t) => {
          const original = await findingsOf(file, fs.readFileSync(file, 'utf8'), rule.id);
          const variants = Math.max(0, ...original.map((f) => f.fixes.length));
          if (!variants) {
            // A rule without a fix here (the message explains what to do): nothing to apply, and
            // CI forbids skips, so check the finding is there and explains itself instead.
            assert.ok(original.length > 0, `${path.basename(file)} does not fire ${rule.id}`);
            for (const f of original) assert.ok(f.message.length > 40, `a finding without a fix must say what to do: "${f.message}"`);
            t.diagnostic(`${path.basename(file)} has no quick fix (the message says what to do)`);
            return;
          }
          for (let k = 0; k < variants; k++) {
            const { text, titles, left } = await applyAll(file, rule.id, k);
            assert.deepEqual(left.map((f) => f.message), [], `fix variant ${k} left fixable findings`);
            const r = await check(file, text, modulesFor(rule.id));
            assert.ok(r.ok, `apache2 -t refused ${path.basename(file)} after ${titles.join('; ')}:\n${r.output}\n--- config body ---\n${text}`);
            checked++;
          }
        });
      }
      for (const file of quiet) {
        // Quiet fixtures may keep harmless 2.2 lines (mod_access_compat loaded, as on the servers they come from).
        it(`apache2 -t accepts ${path.basename(file)}`, async () => {
          const r = await check(file, fs.readFileSync(file, 'utf8'), [...APACHE_COMMON_MODULES, 'access_compat']);
          assert.ok(r.ok, r.output);
        });
      }
    });
  }

  it('legacy lines are refused without mod_access_compat and accepted with it (A2a, A2b)', async () => {
    const file = path.join(ROOT, 'test/fixtures/apache/legacy-access-control/fires.conf');
    const text = fs.readFileSync(file, 'utf8');
    const without = await check(file, text, APACHE_COMMON_MODULES);
    assert.ok(!without.ok && /Invalid command 'Order'/.test(without.output), without.output);
    const withCompat = await check(file, text, [...APACHE_COMMON_MODULES, 'access_compat']);
    assert.ok(withCompat.ok, withCompat.output);
  });

  for (const [fixture, ruleId, refused] of [
    ['directive-not-allowed-here/fires.conf', 'apache/directive-not-allowed-here', () => true],
    // LoadModule runs while the file is read, before Apache looks at the <Directory> around it, so this
    // wrapper cannot show its refusal; rules.test.ts measures each line in a real .htaccess (500).
    ['directive-not-allowed-here/fires.htaccess', 'apache/directive-not-allowed-here', (line: string) => !/^\s*LoadModule\b/.test(line)],
    // A11c and A11d: Require valid-user and DirectoryIndex swallow the words instead of refusing them.
    ['inline-comment/fires.htaccess', 'apache/inline-comment', (line: string) => !/^\s*(Require valid-user|DirectoryIndex)\b/.test(line)],
    ['inline-comment/fires.conf', 'apache/inline-comment', () => true],
  ] as const) {
    it(`each line ${ruleId} reports in ${fixture} is refused (or accepted) on its own as its message says`, async () => {
      const file = path.join(ROOT, 'test/fixtures/apache', fixture);
      const text = fs.readFileSync(file, 'utf8');
      const findings = await findingsOf(file, text, ruleId);
      assert.ok(findings.length >= 2);
      // Where a finding starts inside its line (an inline comment), the directive starts at the line's first word.
      const starts = findings.map((f) => {
        const lineStart = text.lastIndexOf('\n', f.start - 1) + 1;
        return lineStart + (/^[ \t]*/.exec(text.slice(lineStart))![0].length);
      });
      const clean = withoutDirectives(text, starts);
      const base = await check(file, clean, APACHE_COMMON_MODULES);
      assert.ok(base.ok, `without the reported lines apache2 -t must pass:\n${base.output}`);
      for (const start of starts) {
        const line = text.slice(start, text.indexOf('\n', start));
        const alone = withoutDirectives(text, starts.filter((s) => s !== start));
        const r = await check(file, alone, APACHE_COMMON_MODULES);
        if (refused(line)) assert.ok(!r.ok && /not allowed here|cannot occur within|not allowed in|Either all Options|appears to be invalid|takes one argument|Invalid command/i.test(r.output), `"${line}" alone: apache2 -t should refuse it:\n${r.output}`);
        else assert.ok(r.ok, `"${line}" alone: apache2 -t accepts it:\n${r.output}`);
      }
    });
  }

  it('a full-URL 401 ErrorDocument is dropped with a notice, and -t still passes (A4c)', async () => {
    const file = path.join(ROOT, 'test/fixtures/apache/errordocument-full-url/fires.conf');
    const r = await check(file, fs.readFileSync(file, 'utf8'), APACHE_COMMON_MODULES);
    assert.ok(r.ok && /AH00113/.test(r.output), r.output);
  });

  after(() => console.log(`apache fixes: ${checked} fixed configs accepted by apache2 -t`));
});
