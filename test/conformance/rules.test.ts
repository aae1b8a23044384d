/**
 * One conformance scenario per server-backed rule (issue 8): with the rule's own fixtures,
 *  1. fires: the config runs on the real server and answers as the rule's message says;
 *  2. fixed: the first quick fix, applied through the language service until none is left,
 *     gives a config `nginx -t` / `apache2 -t` accepts and that answers with the intended status;
 *  3. quiet: the quiet fixture has no finding and behaves as intended.
 * A registered rule without a scenario fails; a scenario whose rule is not registered yet is
 * `todo`. Prints a table of scenario → observed status at the end.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { allRules } from '../../server/src/rules';
import { applyEdits } from '../../server/src/rules/text';
import type { Finding } from '../../server/src/types';
import { ROOT, documentFor, service } from '../support/service';
import { adaptNginxFixture, nginxFixturePorts, populateDocroots } from './fixtureConfig';
import {
  type Expectation,
  HTPASSWD_PASSWORD,
  HTPASSWD_USER,
  OTHER_CLIENT,
  type RequestSpec,
  ResultTable,
  type RunningServer,
  type Sandbox,
  type ServerKind,
  check,
  checkConfigTest,
  createSandbox,
  describeRequest,
  needs,
  nginxTest,
  openDownload,
  removeSandbox,
  request,
  startNginx,
  stopAllServers,
} from './harness';

// Findings do not depend on the knowledge base; an empty one keeps this layer independent of content/.
const ls = service(undefined, new KnowledgeBase([]));
const GOOD = `${HTPASSWD_USER}:${HTPASSWD_PASSWORD}`;

// ------------------------------------------------------------------ scenario table

/** One request against the running fixture; `listen` picks the fixture's port (default: its first). */
interface Probe {
  listen?: number;
  req: RequestSpec;
  expect: Expectation;
}
/** `times` back-to-back requests whose statuses must read `codes` ("200,503,503"). */
interface Burst {
  listen?: number;
  req: RequestSpec;
  times: number;
  codes: string;
}
/** `probe` while the large download `hold` is in flight (its body unread): connection limits. */
interface WhileHeld {
  listen?: number;
  hold: RequestSpec;
  probe: Probe;
}
type Step = Probe | Burst | WhileHeld;

interface Scenario {
  server: ServerKind;
  /** Fixture files in test/fixtures/<family>/<rule>/ (default fires.conf / quiet.conf). */
  firesFile?: string;
  quietFile?: string;
  /** Extra files in every docroot, next to fixtureConfig's SITE_FILES. */
  files?: Record<string, string | Buffer>;
  /** What the rule's message says the firing config does. */
  fires: Step[];
  /** After the quick fixes; a string says why the rule offers none (asserted). */
  fixed: Step[] | { noFix: string };
  quiet: Step[];
  /**
   * For rules about configs the server refuses: per finding line (1-based) of the fires fixture,
   * the `-t` message that line alone causes (the other flagged lines removed).
   */
  refusedLines?: Record<number, RegExp>;
}

const get = (p: string, extra: Partial<RequestSpec> = {}): RequestSpec => ({ path: p, ...extra });

/** Rule families no nginx or Apache stands behind. */
const NOT_SERVER_BACKED_FAMILIES: Record<string, string> = {
  routes: 'route files of applications (Express, Flask, Laravel…): the status comes from the application, not from nginx or Apache',
};
/** Rules whose behaviour no server run can show, with the reason. */
const NOT_SERVER_BACKED: Record<string, string> = {
  'nginx/syntax': 'syntax errors: nginx -t itself is the check (covered by the parser tests)',
  'apache/syntax': 'syntax errors: apache2 -t itself is the check (covered by the parser tests)',
};

const SCENARIOS: Record<string, Scenario> = {
  'nginx/allow-after-deny-all': {
    server: 'nginx',
    fires: [
      { req: get('/admin/'), expect: { status: 403 } },
      { req: get('/admin/', { from: OTHER_CLIENT }), expect: { status: 403 } },
    ],
    fixed: [
      { req: get('/admin/'), expect: { status: 200 } },
      { req: get('/admin/', { from: OTHER_CLIENT }), expect: { status: 403 } },
    ],
    quiet: [
      { req: get('/admin/'), expect: { status: 200 } },
      { req: get('/admin/', { from: OTHER_CLIENT }), expect: { status: 403 } },
      { req: get('/public/'), expect: { status: 200 } },
      { req: get('/public/secret/'), expect: { status: 403 } },
    ],
  },
  'nginx/limit-status-503': {
    server: 'nginx',
    // Only /downloads/ can show it: /api/ and /login answer with `return`, which runs in the rewrite
    // phase, before limit_req is ever consulted (they answer 200 however fast they are hit).
    files: { 'downloads/big.bin': Buffer.alloc(16 << 20) },
    fires: [{ hold: get('/downloads/big.bin'), probe: { req: get('/downloads/file.bin'), expect: { status: 503 } } }],
    fixed: [{ hold: get('/downloads/big.bin'), probe: { req: get('/downloads/file.bin'), expect: { status: 429 } } }],
    quiet: [{ hold: get('/downloads/big.bin'), probe: { req: get('/downloads/file.bin'), expect: { status: 429 } } }],
  },
  'nginx/add-header-missing-always': {
    server: 'nginx',
    fires: [
      { req: get('/maintenance'), expect: { status: 503, headers: { 'Retry-After': null } } },
      { req: get('/private'), expect: { status: 403, headers: { 'X-Reason': null } } },
      { req: get('/api/x'), expect: { status: 502, headers: { 'WWW-Authenticate': null } } },
    ],
    fixed: [
      { req: get('/maintenance'), expect: { status: 503, headers: { 'Retry-After': '120' } } },
      { req: get('/private'), expect: { status: 403, headers: { 'X-Reason': 'members only' } } },
      { req: get('/api/x'), expect: { status: 502, headers: { 'WWW-Authenticate': 'Bearer realm="api"' } } },
    ],
    quiet: [
      { req: get('/maintenance'), expect: { status: 503, headers: { 'Retry-After': '120' } } },
      { req: get('/options'), expect: { status: 204, headers: { Allow: 'GET, HEAD, OPTIONS' } } },
      { req: get('/moved'), expect: { status: 301, headers: { 'X-Moved': 'yes', Location: 'https://example.com/' } } },
      { req: get('/conditional?block=1'), expect: { status: 403 } },
      { req: get('/index.html'), expect: { status: 200, headers: { 'X-Frame-Options': 'DENY' } } },
    ],
  },
  'nginx/401-without-challenge': {
    server: 'nginx',
    fires: [
      { req: get('/api/x'), expect: { status: 401, headers: { 'WWW-Authenticate': null } } },
      { req: get('/admin/'), expect: { status: 401, headers: { 'WWW-Authenticate': null } } },
      { req: get('/members'), expect: { status: 401, headers: { 'WWW-Authenticate': null }, body: /^log in first/ } },
    ],
    fixed: [
      { req: get('/api/x'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="restricted"' } } },
      { req: get('/admin/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="admin"' } } },
      { req: get('/members'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="restricted"' } } },
    ],
    quiet: [
      { req: get('/api/x'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="api"' } } },
      { req: get('/basic/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="members"' } } },
      { req: get('/basic/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/login-redirect/'), expect: { status: 302, headers: { Location: /\/login$/ } } },
    ],
    files: { 'basic/index.html': 'basic\n' },
  },
  'nginx/405-without-allow': {
    server: 'nginx',
    fires: [
      { req: get('/', { method: 'PUT', body: 'x' }), expect: { status: 405, headers: { Allow: null } } },
      { req: get('/upload'), expect: { status: 405, headers: { Allow: null } } },
    ],
    fixed: [
      { req: get('/', { method: 'PUT', body: 'x' }), expect: { status: 405, headers: { Allow: 'GET, HEAD, POST' } } },
      { req: get('/upload'), expect: { status: 405, headers: { Allow: 'POST' } } },
    ],
    quiet: [
      { req: get('/', { method: 'PUT', body: 'x' }), expect: { status: 405, headers: { Allow: 'GET, HEAD, POST' } } },
      { req: get('/readonly/'), expect: { status: 200, headers: { Allow: 'GET, HEAD' } } },
    ],
  },
  'nginx/error-page-masks-status': {
    server: 'nginx',
    fires: [{ req: get('/secret/file.txt'), expect: { status: 200, body: /^custom error page/ } }],
    fixed: [{ req: get('/secret/file.txt'), expect: { status: 403, body: /^custom error page/ } }],
    quiet: [{ req: get('/secret/file.txt'), expect: { status: 404, body: /^custom error page/ } }],
  },
  'nginx/hidden-files-block-well-known': {
    server: 'nginx',
    fires: [
      { req: get('/.well-known/acme-challenge/token', { host: 'a.example' }), expect: { status: 403 } },
      { req: get('/.well-known/acme-challenge/token', { host: 'b.example' }), expect: { status: 404 } },
    ],
    // The first finding (a.example) has a quick fix; b.example's regex has none.
    fixed: [
      { req: get('/.well-known/acme-challenge/token', { host: 'a.example' }), expect: { status: 200, body: /^acme token/ } },
      { req: get('/.git/config', { host: 'a.example' }), expect: { status: 403 } },
    ],
    quiet: [
      { req: get('/.well-known/acme-challenge/token', { host: 'a.example' }), expect: { status: 200 } },
      { req: get('/.git/config', { host: 'a.example' }), expect: { status: 403 } },
      { req: get('/.well-known/acme-challenge/token', { host: 'b.example' }), expect: { status: 200 } },
      { req: get('/.git/config', { host: 'b.example' }), expect: { status: 403 } },
      { req: get('/.well-known/security.txt', { host: 'c.example' }), expect: { status: 200 } },
      { req: get('/.git/config', { host: 'c.example' }), expect: { status: 403 } },
      { req: get('/.well-known/security.txt', { host: 'd.example' }), expect: { status: 200 } },
      { req: get('/.env', { host: 'd.example' }), expect: { status: 403 } },
    ],
  },
  'nginx/add-header-drops-inherited': {
    server: 'nginx',
    fires: [
      { req: get('/b/'), expect: { status: 200, headers: { 'Strict-Transport-Security': 'max-age=31536000', 'X-Frame-Options': null } } },
      { req: get('/a/'), expect: { status: 200, headers: { 'X-Foo': 'bar', 'Strict-Transport-Security': null, 'X-Frame-Options': null } } },
    ],
    fixed: [
      { req: get('/b/'), expect: { status: 200, headers: { 'Strict-Transport-Security': 'max-age=31536000', 'X-Frame-Options': 'DENY' } } },
      { req: get('/a/'), expect: { status: 200, headers: { 'X-Foo': 'bar', 'Strict-Transport-Security': 'max-age=31536000', 'X-Frame-Options': 'DENY' } } },
    ],
    quiet: [
      { req: get('/a/'), expect: { status: 200, headers: { 'X-Foo': 'bar', 'X-Frame-Options': 'DENY' } } },
      { req: get('/b/'), expect: { status: 200, headers: { 'X-Frame-Options': 'DENY' } } },
      { listen: 18190, req: get('/c/'), expect: { status: 200, headers: { 'X-Frame-Options': 'SAMEORIGIN' } } },
    ],
  },
  'nginx/closes-connection': {
    server: 'nginx',
    fires: [
      { req: get('/slow'), expect: { closed: true } },
      { req: get('/gone'), expect: { closed: true } },
      { req: get('/scanner'), expect: { closed: true } },
    ],
    // 408 and 499 get a status that is sent; the 444 (dropping scanners on purpose) has no fix.
    fixed: [
      { req: get('/slow'), expect: { status: 400 } },
      { req: get('/gone'), expect: { status: 403 } },
      { req: get('/scanner'), expect: { closed: true } },
    ],
    quiet: [
      { req: get('/slow'), expect: { status: 429 } },
      { req: get('/gone'), expect: { status: 410 } },
      { req: get('/log'), expect: { status: 200 } },
    ],
  },
  'nginx/invalid-status': {
    server: 'nginx',
    fires: [],
    refusedLines: {
      6: /value must be between 400 and 599/,
      7: /invalid value "499"/,
      8: /value "200" must be between 300 and 599/,
      9: /invalid burst value "burst=0"/,
      10: /invalid return code "1000"/,
    },
    fixed: { noFix: 'the intended value cannot be guessed' },
    quiet: [
      { req: get('/a'), expect: { status: 200 } },
      { req: get('/b'), expect: { status: 999, reason: '' } },
    ],
  },
  'nginx/deny-reveals-existence': {
    server: 'nginx',
    fires: [
      { req: get('/.git/config'), expect: { status: 403 } },
      { req: get('/admin/'), expect: { status: 403 } },
      { req: get('/backup.sql'), expect: { status: 403 } },
    ],
    fixed: [
      { req: get('/.git/config'), expect: { status: 404 } },
      { req: get('/admin/'), expect: { status: 404 } },
      { req: get('/backup.sql'), expect: { status: 404 } },
    ],
    quiet: [
      { req: get('/.git/config'), expect: { status: 404 } },
      { req: get('/admin/'), expect: { status: 403 } },
      { req: get('/.well-known/security.txt'), expect: { status: 200 } },
    ],
  },
  'nginx/nonstandard-status': {
    server: 'nginx',
    fires: [
      { req: get('/a'), expect: { status: 600, reason: '', body: /^$/ } },
      { req: get('/b'), expect: { status: 999, reason: '' } },
    ],
    fixed: { noFix: 'the intended status cannot be guessed' },
    quiet: [
      { req: get('/a'), expect: { status: 599 } },
      { req: get('/b'), expect: { status: 204 } },
      { req: get('/c'), expect: { status: 302, headers: { Location: 'https://example.com/' } } },
    ],
  },
  'nginx/error-page-denied': {
    server: 'nginx',
    fires: [{ req: get('/x'), expect: { status: 403, body: /<title>403 Forbidden<\/title>/ } }],
    fixed: [{ req: get('/x'), expect: { status: 403, body: /^custom error page/ } }],
    quiet: [
      { req: get('/x'), expect: { status: 403, body: /^custom error page/ } },
      { listen: 18196, req: get('/secret/file.txt'), expect: { status: 403, body: /^custom 403 page/ } },
    ],
  },
  'nginx/satisfy-all-ip-and-password': {
    server: 'nginx',
    fires: [
      { req: get('/admin/', { auth: GOOD }), expect: { status: 403 } },
      { req: get('/admin/'), expect: { status: 403 } },
    ],
    fixed: [
      { req: get('/admin/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/admin/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Admin"' } } },
    ],
    quiet: [
      { req: get('/admin/', { auth: GOOD }), expect: { status: 200 } },
      { req: get('/office/'), expect: { status: 403 } },
      { req: get('/members/'), expect: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Members"' } } },
      { req: get('/members/', { auth: GOOD }), expect: { status: 200 } },
    ],
  },
};

// ------------------------------------------------------------------ running a scenario

const table = new ResultTable('Rule scenarios (scenario → observed)');
let sandbox: Sandbox | undefined;

before(() => {
  sandbox = createSandbox('rules');
});

after(async () => {
  await stopAllServers();
  console.log(`\n${table.render()}\n`);
  if (sandbox) removeSandbox(sandbox);
});

function fixtureFile(ruleId: string, file: string): string {
  const [family, name] = ruleId.split('/') as [string, string];
  return path.join(ROOT, 'test', 'fixtures', family, name, file);
}

async function ruleFindings(file: string, text: string, ruleId: string): Promise<Finding[]> {
  return (await ls.findings(documentFor(file, text))).filter((f) => f.ruleId === ruleId).sort((a, b) => a.start - b.start);
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Applies the first fix of the first fixable finding until no finding of the rule has a fix. */
async function applyQuickFixes(file: string, text: string, ruleId: string): Promise<{ text: string; applied: string[] }> {
  const applied: string[] = [];
  for (let round = 0; round < 20; round++) {
    const fixable = (await ruleFindings(file, text, ruleId)).filter((f) => f.fixes.length);
    const finding = fixable[0];
    if (!finding) return { text, applied };
    const fix = finding.fixes[0]!;
    applied.push(`line ${lineOf(text, finding.start)}: ${fix.title}`);
    text = applyEdits(text, fix.edits);
  }
  throw new Error(`${ruleId}: quick fixes did not converge after 20 rounds (${applied.join('; ')})`);
}

/** A config name for the sandbox (pid/log files). */
const configName = (ruleId: string, phase: string) => `rule-${ruleId.replace('/', '-')}-${phase}`;

interface NginxRun {
  server: RunningServer;
  portOf(listen: number | undefined): number;
}

function adaptForNginx(box: Sandbox, name: string, text: string, scenario: Scenario, fixturePorts: number[], ports: number[], notes: string[] = []): string {
  const adapted = adaptNginxFixture(text, {
    sandbox: box,
    name,
    ports: new Map(fixturePorts.map((p, i) => [p, ports[i]!])),
    siteRoot: path.join(box.root, 'site', name),
  });
  populateDocroots(adapted.docroots, scenario.files);
  notes.splice(0, notes.length, ...adapted.notes);
  return adapted.text;
}

async function withNginxFixture(box: Sandbox, ruleId: string, phase: string, text: string, scenario: Scenario, fn: (run: NginxRun) => Promise<void>): Promise<void> {
  const name = configName(ruleId, phase);
  const fixturePorts = nginxFixturePorts(text);
  const notes: string[] = [];
  const server = await startNginx(box, name, (...ports) => adaptForNginx(box, name, text, scenario, fixturePorts, ports, notes), fixturePorts.length);
  for (const note of notes) table.add({ scenario: `${ruleId}: ${phase}`, server: 'nginx', request: '(fixture adapted)', expected: '', observed: note, ok: true });
  try {
    await fn({
      server,
      portOf: (listen) => {
        const i = listen === undefined ? 0 : fixturePorts.indexOf(listen);
        assert.ok(i >= 0, `${ruleId}: the fixture has no listen port ${listen}`);
        return server.ports[i]!;
      },
    });
  } finally {
    await server.stop();
  }
}

async function runSteps(label: string, run: NginxRun, steps: Step[]): Promise<void> {
  assert.ok(steps.length > 0, `${label}: no requests in the scenario`);
  for (const step of steps) {
    const server = { ...run.server, port: run.portOf(step.listen) };
    if ('hold' in step) {
      const held = await openDownload(server.port, step.hold, { stall: true });
      try {
        table.add({ scenario: label, server: server.kind, request: `${describeRequest(step.hold)} (held open)`, expected: '200', observed: String(held.status), ok: held.status === 200 });
        assert.equal(held.status, 200, `${label}: the held download ${step.hold.path}`);
        await check(table, label, { ...server, port: run.portOf(step.probe.listen ?? step.listen) }, step.probe.req, step.probe.expect);
      } finally {
        held.close();
      }
    } else if ('times' in step) {
      const codes: string[] = [];
      for (let i = 0; i < step.times; i++) {
        const o = await request(server.port, step.req);
        codes.push(o.kind === 'response' ? String(o.status) : o.kind);
      }
      const observed = codes.join(',');
      table.add({ scenario: label, server: server.kind, request: `${step.times} quick ${step.req.method ?? 'GET'} ${step.req.path}`, expected: step.codes, observed, ok: observed === step.codes });
      assert.equal(observed, step.codes, `${label}: ${step.times} quick requests to ${step.req.path}`);
    } else {
      await check(table, label, server, step.req, step.expect);
    }
  }
}

/** `nginx -t` on an adapted fixture text (placeholder ports: -t does not bind). */
async function nginxConfigTest(box: Sandbox, name: string, text: string, scenario: Scenario) {
  const fixturePorts = nginxFixturePorts(text);
  return nginxTest(box, name, adaptForNginx(box, name, text, scenario, fixturePorts, fixturePorts.map((_, i) => 1 + i)));
}

/** Drops the given 1-based lines (the other flagged lines of a refused fixture). */
function withoutLines(text: string, lines: number[]): string {
  return text
    .split('\n')
    .filter((_, i) => !lines.includes(i + 1))
    .join('\n');
}

function defineScenario(ruleId: string, scenario: Scenario): void {
  const firesFile = fixtureFile(ruleId, scenario.firesFile ?? 'fires.conf');
  const quietFile = fixtureFile(ruleId, scenario.quietFile ?? 'quiet.conf');
  const box = () => {
    assert.ok(sandbox, 'sandbox not created');
    return sandbox;
  };
  const readFixture = (file: string) => {
    assert.ok(fs.existsSync(file), `${path.relative(ROOT, file)} is missing`);
    return fs.readFileSync(file, 'utf8');
  };
  const options = needs(scenario.server);
  if (scenario.server !== 'nginx') {
    it(`${ruleId}: scenario`, () => assert.fail(`${ruleId}: Apache fixtures are not supported by the scenario runner yet`));
    return;
  }

  it(`${ruleId}: fires, and the server answers as the message says`, options, async () => {
    const text = readFixture(firesFile);
    const findings = await ruleFindings(firesFile, text, ruleId);
    assert.ok(findings.length > 0, `${ruleId} does not fire on ${path.relative(ROOT, firesFile)}`);
    const label = `${ruleId}: fires`;
    if (scenario.refusedLines) {
      const flagged = [...new Set(findings.map((f) => lineOf(text, f.start)))].sort((a, b) => a - b);
      assert.deepEqual(flagged, Object.keys(scenario.refusedLines).map(Number), `${ruleId}: flagged lines differ from the scenario's refusedLines`);
      for (const [line, message] of Object.entries(scenario.refusedLines)) {
        const alone = withoutLines(text, flagged.filter((l) => l !== Number(line)));
        const result = await nginxConfigTest(box(), configName(ruleId, `fires-line${line}`), alone, scenario);
        checkConfigTest(table, label, 'nginx', result, { ok: false, output: message }, `line ${line} alone`);
      }
      return;
    }
    await withNginxFixture(box(), ruleId, 'fires', text, scenario, (run) => runSteps(label, run, scenario.fires));
  });

  it(`${ruleId}: the quick fix gives a config nginx -t accepts and the intended status`, options, async () => {
    const text = readFixture(firesFile);
    const label = `${ruleId}: fixed`;
    if (!Array.isArray(scenario.fixed)) {
      const withFixes = (await ruleFindings(firesFile, text, ruleId)).filter((f) => f.fixes.length);
      table.add({ scenario: label, server: scenario.server, request: 'quick fixes offered', expected: `none (${scenario.fixed.noFix})`, observed: withFixes.length ? `${withFixes.length}` : 'none', ok: !withFixes.length });
      assert.equal(withFixes.length, 0, `${ruleId}: the scenario says there is no quick fix, but ${withFixes.length} findings offer one: add fixed steps`);
      return;
    }
    const { text: fixed, applied } = await applyQuickFixes(firesFile, text, ruleId);
    assert.ok(applied.length > 0, `${ruleId}: no quick fix offered on ${path.relative(ROOT, firesFile)}`);
    table.add({ scenario: label, server: 'nginx', request: 'quick fixes applied', expected: '≥ 1', observed: applied.join('; '), ok: true });
    checkConfigTest(table, label, 'nginx', await nginxConfigTest(box(), configName(ruleId, 'fixed-t'), fixed, scenario), { ok: true });
    await withNginxFixture(box(), ruleId, 'fixed', fixed, scenario, (run) => runSteps(label, run, scenario.fixed as Step[]));
  });

  it(`${ruleId}: quiet fixture has no finding and behaves as intended`, options, async () => {
    const text = readFixture(quietFile);
    const findings = await ruleFindings(quietFile, text, ruleId);
    assert.deepEqual(
      findings.map((f) => `line ${lineOf(text, f.start)}: ${f.message}`),
      [],
      `${ruleId} fires on its quiet fixture`,
    );
    const label = `${ruleId}: quiet`;
    checkConfigTest(table, label, 'nginx', await nginxConfigTest(box(), configName(ruleId, 'quiet-t'), text, scenario), { ok: true });
    await withNginxFixture(box(), ruleId, 'quiet', text, scenario, (run) => runSteps(label, run, scenario.quiet));
  });
}

// ------------------------------------------------------------------ registry

const registered = new Set(allRules.map((r) => r.id));

describe('rule scenarios', () => {
  for (const rule of allRules) {
    if (NOT_SERVER_BACKED[rule.id] || NOT_SERVER_BACKED_FAMILIES[rule.family]) continue;
    const scenario = SCENARIOS[rule.id];
    if (!scenario) {
      it(`${rule.id}: conformance scenario`, () => assert.fail(`no conformance scenario for ${rule.id} (add it to SCENARIOS in test/conformance/rules.test.ts, or to NOT_SERVER_BACKED with a reason)`));
      continue;
    }
    describe(rule.id, () => defineScenario(rule.id, scenario));
  }
  for (const id of Object.keys(SCENARIOS).filter((id) => !registered.has(id))) {
    it(`${id}: conformance scenario`, { todo: 'rule not implemented yet' }, () => undefined);
  }
});
