/**
 * Cases the fuzzer once broke, kept as fixtures under test/fixtures/regressions/: each `<name>.json`
 * names its language and its text file (or the source and mutations that make it) and what went wrong.
 * Each must now pass the fuzz checks: no throw, no logged rule crash, every range inside the document,
 * and, for a slow path, its time bound.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectKb } from '../support/service';
import { applyMutations, loadInputs, REGRESSIONS, runCase, type Mutation, type RawPosition } from './fuzz-harness';

interface Regression {
  languageId: string;
  /** The case's text, a file beside the JSON... */
  text?: string;
  /** ...or how to make it: a corpus or fixture file and the fuzzer's mutations. */
  source?: string;
  mutations?: Mutation[];
  positions?: RawPosition[];
  /** A slow-path case: the most it may take (parse, diagnostics, hovers, actions), in ms. */
  maxMs?: number;
  /**
   * A slow path that is known, tracked and not fixed yet: it must still not throw, and its time is
   * reported as a TODO (with the time it took) instead of failing the run.
   */
  knownSlow?: string;
  problem: string;
}

const cases = fs.existsSync(REGRESSIONS) ? fs.readdirSync(REGRESSIONS).filter((f) => f.endsWith('.json')).sort() : [];
/** Hovers everywhere that matters: start, middle, end, and past the end. */
const POSITIONS: RawPosition[] = [{ line: 0, character: 0 }, { offset: 1 << 30 }, { offset: 977 }, { offset: 40_003 }, { line: 1 << 30, character: 5 }];

describe('fuzz regressions', () => {
  it('are stored with their language and their text', () => {
    assert.ok(cases.length > 0, 'no regression fixtures found');
  });

  for (const name of cases) {
    it(`${name.replace(/\.json$/, '')} no longer fails`, { timeout: 120_000 }, async (t) => {
      const r = JSON.parse(fs.readFileSync(path.join(REGRESSIONS, name), 'utf8')) as Regression;
      let text: string;
      let file: string;
      if (r.text) {
        file = path.join(REGRESSIONS, r.text);
        text = fs.readFileSync(file, 'utf8');
      } else {
        const input = loadInputs().find((i) => i.name === r.source);
        assert.ok(input, `${r.source} is not in the corpus or the fixtures any more`);
        file = input.file;
        text = applyMutations(input.text, r.mutations ?? []);
      }
      const result = await runCase(projectKb(), { uri: pathToFileURL(file).href, languageId: r.languageId, text, positions: r.positions ?? POSITIONS });
      assert.deepEqual(result.problems, [], `was: ${r.problem}`);
      if (r.maxMs !== undefined && r.knownSlow && result.ms > r.maxMs) {
        t.todo(`known slow path, took ${result.ms.toFixed(0)} ms (budget ${r.maxMs} ms): ${r.knownSlow}`);
        return;
      }
      if (r.maxMs !== undefined) assert.ok(result.ms <= r.maxMs, `took ${result.ms.toFixed(0)} ms, more than ${r.maxMs} ms; was: ${r.problem}`);
    });
  }
});
