/**
 * The knowledge base as a whole: page counts by kind, every deep page complete, every IANA
 * code present, and no sentence borrowed from the source articles (8+ consecutive words).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CONTENT, SHARED, projectKb } from '../support/service';
import type { StatusPage } from '../../server/src/kb/types';

const SEEDS = path.join(SHARED, 'seeds');
const NGRAM = 8;
const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];

const DEEP = [400, 401, 403, 404, 405, 407, 408, 410, 413, 429, 451, 500, 502, 503, 504, 444, 494, 495, 496, 497, 499];
const DEEP_SECTIONS = ['Summary', 'Retry and caching', 'Headers', 'Causes', 'Fixes', 'Diagnosis', 'Compared with'];
// The IANA HTTP Status Code Registry, 1xx-5xx (unassigned ranges left out).
const IANA = [
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
];

describe('knowledge-base content', () => {
  const kb = projectKb();

  it('has pages of every kind (counts printed)', () => {
    const counts: Record<string, number> = {};
    for (const p of kb.pages) counts[p.kind] = (counts[p.kind] ?? 0) + 1;
    console.log(`knowledge base: ${kb.pages.length} pages: ${JSON.stringify(counts)}`);
    assert.ok((counts.status ?? 0) >= IANA.length, `status pages: ${counts.status}`);
  });

  it('has a page for every code of the IANA registry', () => {
    const missing = IANA.filter((c) => !kb.status(c));
    assert.deepEqual(missing, []);
  });

  for (const code of DEEP) {
    it(`deep page ${code} has every section, and causes and fixes by layer`, () => {
      const page = kb.status(code) as StatusPage | undefined;
      assert.ok(page, `content/status/${code}.md is missing`);
      assert.equal(page.deep, true, `${code} must be marked deep: true`);
      for (const title of DEEP_SECTIONS) {
        const s = page.sections.find((x) => x.title === title);
        // "None required." is a complete Headers section; the others need substance.
        const minimum = title === 'Headers' ? 5 : 40;
        assert.ok(s && s.markdown.trim().length >= minimum, `${code}: section "${title}" is missing or nearly empty`);
      }
      for (const title of ['Causes', 'Fixes']) {
        const layers = page.sections.find((x) => x.title === title)!.subsections.map((x) => x.title);
        assert.ok(layers.some((l) => /^nginx/i.test(l)), `${code} ${title}: no nginx layer (${layers.join(', ')})`);
        assert.ok(layers.length >= 3, `${code} ${title}: only ${layers.length} layers`);
      }
    });
  }

  it('403 compares with 401, 404, 429, 407, 400, 405, 410 and 451', () => {
    const page = kb.status(403)!;
    for (const c of [401, 404, 429, 407, 400, 405, 410, 451]) assert.ok(page.related.includes(c), `403 does not compare with ${c}`);
  });

  it('mentions only rule ids that exist', async () => {
    const { allRules } = await import('../../server/src/rules');
    const known = new Set([...allRules.map((r) => r.id), 'nginx/syntax', 'apache/syntax', 'kb/invalid-page']);
    const unknown: string[] = [];
    for (const page of kb.pages) {
      for (const m of page.markdown.matchAll(/`((?:nginx|apache|routes)\/[a-z0-9]+(?:-[a-z0-9]+)+)`/g)) {
        if (!known.has(m[1]!)) unknown.push(`${page.source}: ${m[1]}`);
      }
    }
    assert.deepEqual(unknown, []);
  });

  it('repeats no run of eight words from a seed article', () => {
    const seedGrams = new Map<string, string>();
    for (const f of fs.readdirSync(SEEDS).filter((n) => n.endsWith('.txt'))) {
      const w = words(fs.readFileSync(path.join(SEEDS, f), 'utf8'));
      for (let i = 0; i + NGRAM <= w.length; i++) seedGrams.set(w.slice(i, i + NGRAM).join(' '), f);
    }
    assert.ok(seedGrams.size > 1000, 'the seed articles were not found');
    const copied: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith('.md')) {
          const w = words(fs.readFileSync(full, 'utf8'));
          for (let i = 0; i + NGRAM <= w.length; i++) {
            const gram = w.slice(i, i + NGRAM).join(' ');
            const seed = seedGrams.get(gram);
            if (seed) copied.push(`${path.relative(CONTENT, full)}: "${gram}" (from ${seed})`);
          }
        }
      }
    };
    walk(CONTENT);
    assert.deepEqual(copied, []);
  });
});
