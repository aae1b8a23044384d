/**
 * Incremental analysis: after any edit, what the service reports for a document it re-checked
 * from its previous version must equal what a fresh analysis of the same text reports. Seeded
 * random edit sequences over every nginx corpus file and fixture and a generated many-server
 * config; edits favour server blocks (where updates apply) and include the characters that change
 * structure (`{ } ; " #`, line breaks), directives that rules react to, and suppression comments.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyseNginxDocument, updateNginxDocument } from '../../server/src/analysis/nginxConfig';
import { nginxLanguage } from '../../server/src/languages/nginx';
import { parseNginx, type NginxFile } from '../../server/src/parsers/nginx';
import { changeBetween, createLanguageService, type LanguageService } from '../../server/src/service';
import type { Finding, LanguageSupport } from '../../server/src/types';
import { diskWorkspace, memoryWorkspace } from '../../server/src/workspace';
import { generateNginx } from '../../bench/generate';
import { projectKb } from '../support/service';
import { loadInputs } from './fuzz-harness';

const SEED = Number(process.env.INCREMENTAL_SEED ?? 20261122);
/** Edits per document; INCREMENTAL_RUNS raises it for long runs. */
const EDITS = Number(process.env.INCREMENTAL_RUNS ?? 40);

const INSERTS = [
  '', 'x', '5', '0', ' ', ';', '{', '}', '"', "'", '#', '\n', '\\', '$',
  ' deny all;', ' allow 10.0.0.1;', '\nadd_header X-Frame-Options DENY;', ' add_header Cache-Control no-store;', ' return 401;', ' return 403;',
  ' return 405;', ' limit_req zone=z burst=5;', ' limit_req_status 429;', '\nlocation ~ /\\. { deny all; }', ' location /.well-known/ { }',
  ' error_page 404 = /404.html;', ' auth_basic "x";', ' satisfy any;', ' include mime.types;', '\n# statuslens-disable-next-line\n', ' if ($x) { return 401; }',
  ' auth_request /auth;', ' location = /auth { return 401; }',
];

/** An edit: a position (as a fraction of the text, or inside the n-th server block) and what replaces what. */
interface Edit {
  where: number;
  inServer: boolean;
  remove: number;
  insert: string;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  where: fc.double({ min: 0, max: 1, noNaN: true }),
  inServer: fc.boolean(),
  remove: fc.integer({ min: 0, max: 4 }),
  insert: fc.constantFrom(...INSERTS),
});

/** Offsets of the bodies of `server {…}` blocks (a cheap scan; only where edits are aimed). */
function serverBodies(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(/\bserver\s*\{/g)) {
    const open = m.index + m[0].length;
    const close = text.indexOf('\n}', open);
    const inner = text.indexOf('}', open);
    out.push([open, Math.max(open, Math.min(close < 0 ? text.length : close, inner < 0 ? text.length : inner + 40, text.length))]);
  }
  return out;
}

function apply(text: string, e: Edit): string {
  const bodies = e.inServer ? serverBodies(text) : [];
  let at: number;
  if (bodies.length) {
    const [from, to] = bodies[Math.floor(e.where * bodies.length) % bodies.length]!;
    at = from + Math.floor(((e.where * 7919) % 1) * (to - from));
  } else at = Math.floor(e.where * text.length);
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
}

/** Findings as users see them, in a stable order. */
const shape = (fs: Finding[]) => fs.map((f) => ({ ruleId: f.ruleId, start: f.start, end: f.end, severity: f.severity, message: f.message, fixes: f.fixes }));

function counting(): { language: LanguageSupport<unknown>; updates: () => number } {
  let n = 0;
  const language = {
    ...nginxLanguage,
    update(...args: Parameters<NonNullable<typeof nginxLanguage.update>>) {
      const u = nginxLanguage.update!(...args);
      if (u) n++;
      return u;
    },
  } as LanguageSupport<unknown>;
  return { language, updates: () => n };
}

/** Applies `edits` one by one to one long-lived service (which updates) and checks each version against a fresh one. */
async function checkSequence(file: string, text0: string, edits: Edit[], root: string): Promise<number> {
  const files = diskWorkspace(() => [root]);
  const { language, updates } = counting();
  const live: LanguageService = createLanguageService({ kb: projectKb(), files, languages: { nginx: language } });
  const uri = `file://${file}`;
  let text = text0;
  let version = 1;
  await live.findings(TextDocument.create(uri, 'nginx', version, text));
  for (const edit of edits) {
    text = apply(text, edit);
    version++;
    const doc = TextDocument.create(uri, 'nginx', version, text);
    const got = await live.findings(doc);
    const fresh = createLanguageService({ kb: projectKb(), files });
    const want = await fresh.findings(TextDocument.create(uri, 'nginx', 1, text));
    assert.deepEqual(shape(got), shape(want), `${file}: after edit ${version - 1} ${JSON.stringify(edit)}`);
    // Hovers read the updated tree too.
    const probe = doc.positionAt(Math.floor(edit.where * text.length));
    assert.deepEqual(await live.doHover(doc, probe), await fresh.doHover(TextDocument.create(uri, 'nginx', 1, text), probe));
  }
  return updates();
}

describe('incremental analysis equals a fresh analysis', () => {
  it('changeBetween finds the changed span, whatever its size', () => {
    const big = 'a'.repeat(10_000);
    assert.deepEqual(changeBetween(big, big), { start: 10_000, oldEnd: 10_000, newEnd: 10_000 });
    assert.deepEqual(changeBetween(`${big}x${big}`, `${big}yz${big}`), { start: 10_000, oldEnd: 10_001, newEnd: 10_002 });
    assert.deepEqual(changeBetween('abc', ''), { start: 0, oldEnd: 3, newEnd: 0 });
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (head, mid, tail) => {
        const c = changeBetween(head + tail, head + mid + tail);
        const after = head + mid + tail;
        return (head + tail).slice(0, c.start) + after.slice(c.start, c.newEnd) + (head + tail).slice(c.oldEnd) === after;
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('on a generated config of 60 servers, most edits inside servers are updates', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuslens-incremental-'));
    try {
      const g = generateNginx(dir, 60);
      const text = fs.readFileSync(g.file, 'utf8');
      let updates = 0;
      let edits = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 12 }), async (list) => {
          edits += list.length;
          updates += await checkSequence(g.file, text, list, dir);
        }),
        { seed: SEED, numRuns: Math.max(8, Math.round(EDITS / 2)) },
      );
      t.diagnostic(`${edits} edits checked against fresh analyses, ${updates} of them incremental updates`);
      // Random edits often break the syntax (then a whole parse is right); a good share must still update.
      assert.ok(updates > edits * 0.2, `only ${updates} of ${edits} edits were updates`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an updated tree equals a whole parse of the new text, syntax errors included', (t) => {
    const files = memoryWorkspace({});
    const body = (i: number) => `  server {\n    listen 80;\n    location /a${i} { deny all; allow 10.0.0.${i % 250}; }\n    location = /h${i} { return 204 "ok"; }\n    add_header X-Frame-Options DENY;\n  }\n`;
    const original = `events {}\nhttp {\n${Array.from({ length: 40 }, (_, i) => body(i)).join('')}}\n`;
    const pieces = ['', 'x', '5', ';', '{', '}', '"', "'", '#', '\n', ' a b;', '\\', '$', '{2}', '${x}'];
    // Trees without parent links (they are cycles) and as plain data.
    const plain = (tree: NginxFile) => JSON.parse(JSON.stringify(tree, (k, v) => (k === 'parent' ? undefined : v)));
    let updates = 0;
    let edits = 0;
    fc.assert(
      fc.property(fc.array(fc.record({ server: fc.nat(), at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat(3), insert: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 30 }), (list) => {
        let text = original;
        let parsed = analyseNginxDocument(text, undefined, 'file:///t.conf', files);
        for (const e of list) {
          const servers = parsed.tree.directives.find((d) => d.name === 'http')?.block?.children.filter((d) => d.name === 'server' && d.block) ?? [];
          const server = servers[e.server % Math.max(1, servers.length)];
          if (!server?.block) return;
          const pos = server.block.start + 1 + Math.floor(e.at * Math.max(1, server.block.end - server.block.start - 2));
          const next = text.slice(0, pos) + e.insert + text.slice(pos + e.remove);
          const u = updateNginxDocument(parsed, next, { start: pos, oldEnd: Math.min(pos + e.remove, text.length), newEnd: pos + e.insert.length }, files);
          edits++;
          if (u) updates++;
          parsed = u ? u.parsed : analyseNginxDocument(next, undefined, 'file:///t.conf', files);
          text = next;
          assert.deepEqual(plain(parsed.tree), plain(parseNginx(text)));
        }
      }),
      { seed: SEED, numRuns: Math.max(50, EDITS * 2) },
    );
    t.diagnostic(`${edits} edits, ${updates} of them updates, each tree equal to a whole parse`);
    assert.ok(updates > edits * 0.3, `only ${updates} of ${edits} edits were updates`);
  });

  it('an update that throws costs a whole analysis, not the diagnostics', async () => {
    const broken = { ...nginxLanguage, update: () => { throw new Error('update bug'); } } as LanguageSupport<unknown>;
    const ls = createLanguageService({ kb: projectKb(), languages: { nginx: broken } });
    const text = 'events {}\nhttp {\n    server {\n        location / { deny all; allow 10.0.0.1; }\n    }\n}\n';
    const uri = 'file:///srv/update-bug/nginx.conf';
    await ls.findings(TextDocument.create(uri, 'nginx', 1, text));
    const error = console.error;
    console.error = () => undefined;
    try {
      const edited = text.replace('10.0.0.1', '10.0.0.2');
      const got = await ls.findings(TextDocument.create(uri, 'nginx', 2, edited));
      const want = await createLanguageService({ kb: projectKb() }).findings(TextDocument.create(uri, 'nginx', 1, edited));
      assert.deepEqual(shape(got), shape(want));
      assert.equal(got.length, 1);
    } finally {
      console.error = error;
    }
  });

  const inputs = loadInputs().filter((i) => i.languageId === 'nginx');
  it(`on every nginx corpus file and fixture (${inputs.length}), edit sequences give what a fresh analysis gives`, async (t) => {
    let updates = 0;
    let edits = 0;
    let index = 0;
    for (const input of inputs) {
      const list = fc.sample(fc.array(editArb, { minLength: 1, maxLength: 4 }), { seed: SEED + index++, numRuns: 1 })[0]!;
      const root = path.dirname(input.file);
      updates += await checkSequence(input.file, input.text, list, root);
      edits += list.length;
    }
    t.diagnostic(`${edits} edits checked against fresh analyses, ${updates} of them incremental updates`);
    assert.ok(updates > 0, 'no edit took the incremental path');
  });
});
