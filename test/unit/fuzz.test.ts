/**
 * Property-based fuzzing over the shared corpus and our fixtures (fast-check). Each case takes one
 * file, applies 1-4 mutations (character, bit and UTF-8 byte flips, truncation, deletion and insertion of
 * braces, quotes and other syntax, duplicated lines and blocks, huge lines) and runs parse,
 * diagnostics, hovers at random positions, code actions and links with a fresh service. They must
 * never throw (nor log a rule crash), every returned range must lie inside the document, and a case
 * may not take more than 100x the file's median time (scaled by how much the mutation grew the file).
 *
 *   FUZZ_RUNS=300 (default; CI)   FUZZ_SEED=20261122 (default)   FUZZ_PATH=<path> to replay a failure
 *   FUZZ_SAVE_REGRESSIONS=1       store a failing (shrunk) case under test/fixtures/regressions/
 *   long runs: FUZZ_COLLECT=<dir> (keep going, one stored case per kind of failure),
 *              FUZZ_CAP_MS=20000 (stop any case after this), FUZZ_PROGRESS=<file> (a line per 1,000 cases)
 * fuzz-regressions.test.ts replays the stored cases on every run.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { applyMutations, CaseRunner, HUGE_UNITS, loadInputs, REGRESSIONS, SYNTAX, type Mutation } from './fuzz-harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const PATH = process.env.FUZZ_PATH;
const SAVE = process.env.FUZZ_SAVE_REGRESSIONS === '1';
/** Long runs: record every failing case (one per kind of problem) under FUZZ_COLLECT and go on, instead of stopping at the first. */
const COLLECT = process.env.FUZZ_COLLECT;
/** Long runs: stop a case after this many ms even when its bound is higher (reported as its own kind). */
const CAP_MS = process.env.FUZZ_CAP_MS ? Number(process.env.FUZZ_CAP_MS) : Infinity;
/** The issue's bound: 100x the file's median time. */
const FACTOR = 100;
/** Below this, a "median" is timer and scheduler noise (a busy CI machine), not the file's cost. */
const FLOOR_MS = 5;
const BASELINE_RUNS = 3;

const inputs = loadInputs();
const runner = new CaseRunner();
after(() => runner.close());

const pos = fc.nat();
const syntaxCodes = [...new Set(SYNTAX.join('').split('').map((c) => c.charCodeAt(0)))];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: pos, char: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0xd800, 0xdfff, 0xfeff, 0xfffd, ...syntaxCodes)) }),
  fc.record({ kind: fc.constant('bitflip' as const), at: pos, bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ kind: fc.constant('byteflip' as const), at: pos, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: pos }),
  fc.record({ kind: fc.constant('delete' as const), what: fc.constantFrom(...SYNTAX), nth: pos }),
  fc.record({ kind: fc.constant('insert' as const), what: fc.constantFrom(...SYNTAX), at: pos }),
  fc.record({ kind: fc.constant('deleteRange' as const), at: pos, length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('duplicateLines' as const), at: pos, lines: fc.integer({ min: 1, max: 40 }), to: pos }),
  fc.record({ kind: fc.constant('duplicateBlock' as const), nth: pos }),
  fc.record({ kind: fc.constant('hugeLine' as const), at: pos, unit: fc.constantFrom(...HUGE_UNITS), length: fc.integer({ min: 1_000, max: 200_000 }) }),
);
const fuzzCase = fc.record({
  input: fc.nat({ max: inputs.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  positions: fc.array(fc.oneof(fc.record({ line: pos, character: pos }), fc.record({ offset: pos })), { minLength: 2, maxLength: 8 }),
});
type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

const FIXED_POSITIONS = [0, 1, 2, 3, 5, 8].map((k) => ({ line: k * 7, character: k * 3 }));
const baselines = new Map<number, number>();

/** The file's median time over a few runs of the unmutated text (after a warm-up run). */
async function baseline(index: number): Promise<number> {
  const known = baselines.get(index);
  if (known !== undefined) return known;
  const input = inputs[index]!;
  const uri = pathToFileURL(input.file).href;
  const times: number[] = [];
  for (let i = 0; i <= BASELINE_RUNS; i++) {
    const r = await runner.run({ uri, languageId: input.languageId, text: input.text, positions: FIXED_POSITIONS }, 60_000);
    if ('timedOut' in r) throw new Error(`${input.name} unmutated took more than 60 s`);
    // The unmutated files must pass too; their problems are reported like any case's.
    assert.deepEqual(r.problems, [], `${input.name} (unmutated) has problems`);
    if (i > 0) times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1]!;
  baselines.set(index, median);
  return median;
}

const stats = { cases: 0, failed: 0, findings: 0, hovers: 0, actions: 0, slowest: 0, slowestRatio: 0, slowestCase: '' };

const collected = new Map<string, number>();

/** In collect mode: stores the case under FUZZ_COLLECT once per kind of problem, and counts the rest. */
function collect(c: FuzzCase, error: unknown): void {
  const message = String((error as Error)?.message ?? error);
  const input = inputs[c.input]!;
  // The kind of a problem: the input's language and its first line after the file name, without numbers and quoted values.
  const first = (message.split('\n')[1] ?? message).replace(input.name, '<file>');
  const kind = `${input.languageId}: ${first.replace(/\d+/g, 'N').replace(/"[^"]*"|`[^`]*`/g, 'Q').trim().slice(0, 200)}`;
  const seen = collected.get(kind) ?? 0;
  collected.set(kind, seen + 1);
  // A few cases per kind: enough to tell whether they share a cause.
  if (seen >= 3) return;
  const text = applyMutations(input.text, c.mutations);
  const hash = createHash('sha1').update(text).digest('hex').slice(0, 10);
  fs.mkdirSync(COLLECT!, { recursive: true });
  fs.writeFileSync(path.join(COLLECT!, `${hash}.json`), JSON.stringify({ source: input.name, languageId: input.languageId, mutations: c.mutations, positions: c.positions, kind, problem: message.slice(0, 4000) }, null, 2) + '\n');
}

/** Long runs: a line every 1,000 cases to this file. */
const PROGRESS = process.env.FUZZ_PROGRESS;
let done = 0;

async function check(c: FuzzCase): Promise<void> {
  if (PROGRESS && ++done % 1000 === 0) fs.appendFileSync(PROGRESS, `${new Date().toISOString()} ${done} cases, ${stats.failed} failed, ${collected.size} kinds\n`);
  if (!COLLECT) return checkOnce(c);
  try {
    await checkOnce(c);
  } catch (err) {
    stats.failed++;
    collect(c, err);
  }
}

async function checkOnce(c: FuzzCase): Promise<void> {
  const input = inputs[c.input]!;
  const text = applyMutations(input.text, c.mutations);
  const base = Math.max(await baseline(c.input), FLOOR_MS);
  const growth = Math.max(1, text.length / Math.max(1, input.text.length));
  const bound = FACTOR * base * growth;
  const caseInput = { uri: pathToFileURL(input.file).href, languageId: input.languageId, text, positions: c.positions };
  const limit = Math.min(bound + 1000, CAP_MS);
  let r = await runner.run(caseInput, limit);
  // A busy machine can stall one run; a slow path is slow again. After a timeout the worker is new:
  // warm it up on the unmutated file first, so that the retry does not pay for a cold start.
  // Above 10 s a timeout is no scheduler hiccup: no second try then.
  const retry = bound < 10_000 && ('timedOut' in r || r.ms > bound);
  if (retry && 'timedOut' in r) await runner.run({ ...caseInput, text: input.text }, 60_000);
  if (retry) r = await runner.run(caseInput, limit);
  if ('timedOut' in r && limit < bound) throw new Error(`${input.name}:\n  ran past the long-run cap of ${CAP_MS} ms (its bound: ${Math.round(bound)} ms)`);
  if ('timedOut' in r) throw new Error(`${input.name}: did not finish within ${Math.round(bound)} ms (${FACTOR}x its median ${base.toFixed(2)} ms x growth ${growth.toFixed(1)})`);
  if (r.problems.length) throw new Error(`${input.name}:\n  ${r.problems.join('\n  ')}`);
  if (r.ms > bound) throw new Error(`${input.name}: took ${r.ms.toFixed(0)} ms, more than ${FACTOR}x its median ${base.toFixed(2)} ms x growth ${growth.toFixed(1)}`);
  stats.cases++;
  stats.findings += r.findings;
  stats.hovers += r.hovers;
  stats.actions += r.actions;
  stats.slowest = Math.max(stats.slowest, r.ms);
  const ratio = r.ms / (base * growth);
  if (ratio > stats.slowestRatio) {
    stats.slowestRatio = ratio;
    stats.slowestCase = `${input.name} ${JSON.stringify(c.mutations).slice(0, 300)} (${r.ms.toFixed(0)} ms)`;
  }
}

/** Stores a failing case: the mutated text, and beside it how it was made and what went wrong. */
function saveRegression(c: FuzzCase, error: unknown, seed: number, counterexamplePath: string | null): string {
  const input = inputs[c.input]!;
  const text = applyMutations(input.text, c.mutations);
  const hash = createHash('sha1').update(text).digest('hex').slice(0, 10);
  const ext = input.languageId === 'nginx' ? '.conf' : input.languageId === 'apacheconf' ? '.htaccess' : path.extname(input.file);
  const base = `${input.languageId}-${hash}`;
  fs.mkdirSync(REGRESSIONS, { recursive: true });
  fs.writeFileSync(path.join(REGRESSIONS, base + ext), text);
  const meta = { source: input.name, languageId: input.languageId, seed, path: counterexamplePath, mutations: c.mutations, positions: c.positions, problem: String((error as Error)?.message ?? error).slice(0, 4000) };
  fs.writeFileSync(path.join(REGRESSIONS, base + '.json'), JSON.stringify(meta, null, 2) + '\n');
  return path.join(REGRESSIONS, base + ext);
}

describe('fuzzing the language service over the corpus and fixtures', () => {
  it(`has inputs: the shared corpus and the fixtures`, () => {
    assert.ok(inputs.length > 100, `only ${inputs.length} inputs: is ../shared/corpus there?`);
    assert.ok(inputs.some((i) => i.languageId === 'nginx') && inputs.some((i) => i.languageId === 'apacheconf'));
  });

  it(`never throws, keeps ranges in the document and stays within ${FACTOR}x the median time (${RUNS} cases, seed ${SEED})`, { timeout: Math.max(600_000, RUNS * 2_000) }, async () => {
    const details = await fc.check(fc.asyncProperty(fuzzCase, check), { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}) });
    if (details.failed) {
      const counterexample = details.counterexample?.[0];
      const saved = SAVE && counterexample ? saveRegression(counterexample, details.errorInstance, details.seed, details.counterexamplePath) : undefined;
      const replay = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`;
      const error = String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance);
      assert.fail(`${fc.defaultReportMessage(details)}\n${error}\nreplay: ${replay}${saved ? `\nstored as ${path.relative(process.cwd(), saved)}` : ''}`);
    }
    if (COLLECT) {
      console.log(`fuzz (collect mode): ${stats.failed} of ${RUNS} cases failed, ${collected.size} kinds, stored in ${COLLECT}`);
      for (const [kind, n] of collected) console.log(`  ${n} x ${kind}`);
    }
    console.log(`fuzz: ${stats.cases} passing cases over ${inputs.length} inputs (seed ${SEED}); ${stats.findings} findings, ${stats.hovers} hovers, ${stats.actions} code actions checked; slowest case ${stats.slowest.toFixed(0)} ms, at most ${stats.slowestRatio.toFixed(1)}x its file's median: ${stats.slowestCase}`);
    assert.equal(stats.cases + stats.failed, RUNS, 'every case ran');
    assert.equal(stats.failed, 0, `${stats.failed} cases failed (see ${COLLECT})`);
  });
});
