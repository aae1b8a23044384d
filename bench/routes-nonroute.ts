/**
 * Benchmark (not a test): opening and editing a 5,000-line TypeScript file that is not a route
 * file adds no measurable work, because the route-file analysis decides from the text alone and
 * never loads tree-sitter for it. For contrast, the same numbers for a 5,000-line Express file.
 *
 *   node --import tsx bench/routes-nonroute.ts [--runs 30]
 *
 * "With routes" is the real service; "without routes" is the same service with the route family
 * switched off in settings, i.e. what the editor costs when StatusLens ignores the file.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Hover, Position } from 'vscode-languageserver-types';
import { median, prng, quantile } from './stats';

// The service is loaded from the sources at run time (bench/ is not a project that references
// server/), through the few members this benchmark uses.
interface LanguageService {
  doValidation(document: TextDocument): Promise<unknown[]>;
  doHover(document: TextDocument, position: Position): Promise<Hover | null>;
  forget(uri: string): void;
}
const SERVER = path.resolve(__dirname, '..', 'server', 'src');
const load = <T>(module: string): T => require(path.join(SERVER, module)) as T;
const { createLanguageService } = load<{ createLanguageService(options: { kb: unknown; settings?: unknown }): LanguageService }>('service');
const { KnowledgeBase } = load<{ KnowledgeBase: new (pages: unknown[]) => unknown }>('kb/knowledgeBase');
const { defaultSettings } = load<{ defaultSettings(): { families: Record<string, boolean> } }>('types');
const { runtimeStarted } = load<{ runtimeStarted(): boolean }>('parsers/routes/grammars');
const { parseStats } = load<{ parseStats: { full: number; incremental: number } }>('parsers/routes/incremental');

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const RUNS = Number(opts.runs);
const LINES = 5000;

/** Ordinary TypeScript: classes, generics, numbers such as 403 and 3000, timers, a `status` field. */
function plainFile(lines: number): string {
  const out: string[] = ["import { readFile } from 'node:fs/promises';", ''];
  for (let i = 0; out.length < lines - 12; i++) {
    out.push(
      `export interface Order${i} { id: number; status: 'open' | 'closed'; total: number }`,
      `export class Store${i}<T extends { id: number }> {`,
      '  private items = new Map<number, T>();',
      `  add(item: T): void { this.items.set(item.id, item); }`,
      `  get(id: number): T | undefined { return this.items.get(id) ?? undefined; }`,
      `  retry(f: () => void): void { setTimeout(f, ${400 + (i % 30)}); }`,
      '}',
      `export function total${i}(orders: Order${i}[]): number {`,
      `  return orders.filter((o) => o.status === 'open').reduce((sum, o) => sum + o.total * ${i % 7}, 0);`,
      '}',
      `export const PORT_${i} = ${3000 + i};`,
      '',
    );
  }
  out.push('export async function load(path: string) { return JSON.parse(await readFile(path, "utf8")); }');
  return out.join('\n') + '\n';
}

/** An Express router of the same size: the file the analysis is for. */
function routeFile(lines: number): string {
  const out: string[] = ["import express from 'express';", 'const router = express.Router();', ''];
  for (let i = 0; out.length < lines - 2; i++) {
    out.push(
      `router.get('/items/${i}', (req, res) => {`,
      '  if (!req.user) return res.status(401).json({ error: "login" });',
      `  if (!req.user.roles.includes('item${i}')) return res.status(403).end();`,
      `  res.json({ id: ${i} });`,
      '});',
      '',
    );
  }
  out.push('export default router;');
  return out.join('\n') + '\n';
}

const kb = new KnowledgeBase([]);
const withRoutes = createLanguageService({ kb });
const settingsOff = defaultSettings();
settingsOff.families.routes = false;
const withoutRoutes = createLanguageService({ kb, settings: settingsOff });

interface Session {
  openMs: number;
  editMs: number[];
  hoverMs: number[];
}

/** Open, then 20 edits (each a new version, analysed), then 20 hovers, as an editor would. */
async function session(service: LanguageService, uri: string, text: string, seed: number): Promise<Session> {
  const random = prng(seed);
  let version = 1;
  let doc = TextDocument.create(uri, 'typescript', version, text);
  let t0 = performance.now();
  await service.doValidation(doc);
  const openMs = performance.now() - t0;
  const editMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const at = Math.floor(random() * doc.getText().length);
    const next = doc.getText().slice(0, at) + ' ' + doc.getText().slice(at);
    doc = TextDocument.create(uri, 'typescript', ++version, next);
    t0 = performance.now();
    await service.doValidation(doc);
    editMs.push(performance.now() - t0);
  }
  const hoverMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const position = doc.positionAt(Math.floor(random() * doc.getText().length));
    t0 = performance.now();
    await service.doHover(doc, position);
    hoverMs.push(performance.now() - t0);
  }
  service.forget(uri);
  return { openMs, editMs, hoverMs };
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function compare(label: string, text: string, runs = RUNS) {
  const on: Session[] = [];
  const off: Session[] = [];
  // Interleave the two, so drift (JIT, GC) hits both alike; the first round is warm-up.
  for (let run = 0; run <= runs; run++) {
    const a = await session(withRoutes, `file:///bench/${label}-${run}.ts`, text, run);
    const b = await session(withoutRoutes, `file:///bench/${label}-off-${run}.ts`, text, run);
    if (run > 0) {
      on.push(a);
      off.push(b);
    }
  }
  const row = (name: string, pick: (s: Session) => number[]) => {
    const a = on.flatMap(pick);
    const b = off.flatMap(pick);
    console.log(`| ${label} | ${name} | ${fmt(median(a))} (p95 ${fmt(quantile(a, 0.95))}) | ${fmt(median(b))} (p95 ${fmt(quantile(b, 0.95))}) | ${fmt(median(a) - median(b))} |`);
  };
  row('open', (s) => [s.openMs]);
  row('edit', (s) => s.editMs);
  row('hover', (s) => s.hoverMs);
}

async function main() {
  const plain = plainFile(LINES);
  const routes = routeFile(LINES);
  console.log(`${RUNS} runs; files of ${plain.split('\n').length - 1} and ${routes.split('\n').length - 1} lines\n`);
  console.log('| file | step | with routes (median) | routes off (median) | difference |');
  console.log('| --- | --- | --- | --- | --- |');
  await compare('plain', plain);
  const parsesAfterPlain = parseStats.full + parseStats.incremental;
  const runtimeAfterPlain = runtimeStarted();
  await compare('express 500', routeFile(500));
  // The big route file is slow to analyse on every edit; a few runs show it.
  await compare('express 5000', routes, Math.min(RUNS, 3));
  console.log('');
  console.log(`plain file: tree-sitter runtime loaded: ${runtimeAfterPlain}; parses: ${parsesAfterPlain}`);
  console.log(`express files: parses: ${parseStats.full} full, ${parseStats.incremental} incremental (edits reuse the previous tree)`);
}

void main();
