/**
 * Shared by the fuzz tests: the inputs (the shared corpus and our fixtures), the mutations, and
 * one "case": parse, diagnostics, hovers at given positions, code actions and links over a
 * fresh language service, with every returned range checked against the document.
 * Mutations are plain data, so a failing case can be stored and replayed as a regression fixture.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range, TextEdit } from 'vscode-languageserver-types';
import { createLanguageService } from '../../server/src/service';
import type { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { ROOT, SHARED } from '../support/service';

export const CORPUS = path.join(SHARED, 'corpus');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const REGRESSIONS = path.join(FIXTURES, 'regressions');

export interface Input {
  /** Path relative to the repository root (fixtures) or to ../shared (corpus). */
  name: string;
  file: string;
  languageId: string;
  text: string;
}

const ROUTE_LANGUAGE: Record<string, string> = {
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.ts': 'typescript', '.tsx': 'typescriptreact', '.py': 'python', '.php': 'php', '.rb': 'ruby', '.go': 'go',
};

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The language an editor would give a file: corpus files by their folder, fixtures by family folder and extension. */
export function languageOf(file: string): string | undefined {
  const rel = file.split(path.sep).join('/');
  const ext = path.extname(file).toLowerCase();
  if (/\/corpus\/nginx\//.test(rel)) return 'nginx';
  if (/\/corpus\/apache\//.test(rel)) return 'apacheconf';
  if (/\/fixtures\/(nginx|cli)\//.test(rel)) return ext === '.conf' || ext === '.nginx' || path.basename(file) === 'nginx.conf' ? 'nginx' : undefined;
  if (/\/fixtures\/apache\//.test(rel)) return 'apacheconf';
  if (/\/fixtures\/routes\//.test(rel)) return ROUTE_LANGUAGE[ext];
  return undefined;
}

/** Every corpus file and every fixture (but the stored regressions), sorted, so that seeds replay. */
export function loadInputs(): Input[] {
  const files = [...walk(CORPUS).filter((f) => path.basename(f) !== 'SOURCES.md'), ...walk(FIXTURES).filter((f) => !f.startsWith(REGRESSIONS + path.sep))].sort();
  const inputs: Input[] = [];
  for (const file of files) {
    const languageId = languageOf(file);
    if (!languageId) continue;
    const name = file.startsWith(CORPUS) ? path.relative(SHARED, file) : path.relative(ROOT, file);
    inputs.push({ name, file, languageId, text: fs.readFileSync(file, 'utf8') });
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// Mutations. Positions are free integers reduced modulo the text at hand, so any value is valid.

export type Mutation =
  | { kind: 'flip'; at: number; char: number }
  | { kind: 'bitflip'; at: number; bit: number }
  /** A byte of the UTF-8 encoding flipped, decoded back as an editor would (invalid sequences become U+FFFD). */
  | { kind: 'byteflip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; what: string; nth: number }
  | { kind: 'insert'; what: string; at: number }
  | { kind: 'deleteRange'; at: number; length: number }
  | { kind: 'duplicateLines'; at: number; lines: number; to: number }
  | { kind: 'duplicateBlock'; nth: number }
  | { kind: 'hugeLine'; at: number; unit: string; length: number };

/** Syntax that matters to nginx, Apache and route parsers. */
export const SYNTAX = ['{', '}', '"', "'", ';', '<', '>', '</', '\\', '#', '\n', '\r', '${', '$', '(', ')', '[', ']', '`', '/*', '*/', '//'];
export const HUGE_UNITS = ['a', ' ', '{', '}', '"', "'", ';', '\\', '${a}', 'allow 10.0.0.1; ', 'return 403; ', 'location / { ', '<Directory /> ', 'RewriteRule ^ - [F] ', 'Require all denied ', '# ', '\t', 'é', '😀', 'res.status(403); ', '\\\n'];

function nthIndexOf(text: string, what: string, nth: number): number {
  let count = 0;
  for (let i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) count++;
  if (!count) return -1;
  let k = nth % count;
  let i = text.indexOf(what);
  while (k-- > 0) i = text.indexOf(what, i + 1);
  return i;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A block to duplicate: from the line of the nth `{` (or `<Section`) to its match (or closing tag). */
function blockAt(text: string, nth: number): [number, number] | undefined {
  const open = nthIndexOf(text, '{', nth);
  if (open >= 0) {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) return [text.lastIndexOf('\n', open) + 1, i + 1];
    }
    return undefined;
  }
  const tags = [...text.matchAll(/^[ \t]*<([A-Za-z]+)[^\n]*$/gm)];
  if (!tags.length) return undefined;
  const m = tags[nth % tags.length]!;
  const close = text.toLowerCase().indexOf(`</${m[1]!.toLowerCase()}`, m.index);
  if (close < 0) return undefined;
  const end = text.indexOf('\n', close);
  return [m.index, end < 0 ? text.length : end];
}

export function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  const at = (v: number) => (n ? v % (n + 1) : 0);
  switch (m.kind) {
    case 'flip': {
      if (!n) return String.fromCharCode(m.char);
      const i = m.at % n;
      return text.slice(0, i) + String.fromCharCode(m.char) + text.slice(i + 1);
    }
    case 'bitflip': {
      if (!n) return text;
      const i = m.at % n;
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << m.bit)) + text.slice(i + 1);
    }
    case 'byteflip': {
      const bytes = Buffer.from(text, 'utf8');
      if (!bytes.length) return text;
      const i = m.at % bytes.length;
      bytes[i] = bytes[i]! ^ (1 << (m.bit % 8));
      return new TextDecoder('utf-8').decode(bytes);
    }
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'delete': {
      const i = nthIndexOf(text, m.what, m.nth);
      return i < 0 ? text : text.slice(0, i) + text.slice(i + m.what.length);
    }
    case 'insert': {
      const i = at(m.at);
      return text.slice(0, i) + m.what + text.slice(i);
    }
    case 'deleteRange': {
      const i = at(m.at);
      return text.slice(0, i) + text.slice(Math.min(n, i + m.length));
    }
    case 'duplicateLines': {
      const starts = lineStarts(text);
      const first = m.at % starts.length;
      const from = starts[first]!;
      const to = starts[first + m.lines] ?? n;
      const where = starts[m.to % starts.length]!;
      const chunk = text.slice(from, to);
      const piece = chunk.endsWith('\n') || !chunk ? chunk : chunk + '\n';
      return text.slice(0, where) + piece + text.slice(where);
    }
    case 'duplicateBlock': {
      const block = blockAt(text, m.nth);
      if (!block) return text;
      const [from, to] = block;
      return text.slice(0, to) + '\n' + text.slice(from, to) + text.slice(to);
    }
    case 'hugeLine': {
      const i = at(m.at);
      const line = m.unit.repeat(Math.ceil(m.length / m.unit.length)).slice(0, m.length);
      return text.slice(0, i) + line + text.slice(i);
    }
  }
}

export const applyMutations = (text: string, ms: Mutation[]) => ms.reduce(applyMutation, text);

// ---------------------------------------------------------------------------------------------
// One case.

export interface CaseInput {
  uri: string;
  languageId: string;
  text: string;
  /** Raw positions: line and character (reduced to at most 2 past the ends), or an offset into the text. */
  positions: RawPosition[];
}

export interface CaseResult {
  ms: number;
  problems: string[];
  findings: number;
  hovers: number;
  actions: number;
}

export type RawPosition = { line: number; character: number } | { offset: number };

/** Positions from raw numbers: mostly inside the document, sometimes past a line's end or the last line. */
export function positionsFor(doc: TextDocument, raw: RawPosition[]): Position[] {
  return raw.map((p) => {
    if ('offset' in p) return doc.positionAt(p.offset % (doc.getText().length + 1));
    const line = p.line % (doc.lineCount + 2);
    const lineText = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    return { line, character: p.character % (lineText.length + 3) };
  });
}

/** Checks that a range lies inside the document: valid lines, characters within their line, start before end. */
export function rangeProblem(doc: TextDocument, range: Range | undefined, what: string): string | undefined {
  if (!range || !range.start || !range.end) return `${what}: no range`;
  const text = doc.getText();
  const checkPos = (p: Position, label: string): string | undefined => {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `${what}: ${label} ${JSON.stringify(p)} is not a position`;
    if (p.line >= doc.lineCount) return `${what}: ${label} line ${p.line} is past the last line ${doc.lineCount - 1}`;
    const start = doc.offsetAt({ line: p.line, character: 0 });
    const next = p.line + 1 < doc.lineCount ? doc.offsetAt({ line: p.line + 1, character: 0 }) : text.length;
    const line = text.slice(start, next);
    const content = line.replace(/\r?\n$/, '');
    const len = content.length;
    // A position may sit right after the line's content, or between its \r and \n (still inside the document).
    const crlf = line.endsWith('\r\n');
    if (p.character > len + (crlf ? 1 : 0)) return `${what}: ${label} ${JSON.stringify(p)} is past the end of line ${p.line} (${len} characters)`;
    return undefined;
  };
  const bad = checkPos(range.start, 'start') ?? checkPos(range.end, 'end');
  if (bad) return bad;
  if (range.start.line > range.end.line || (range.start.line === range.end.line && range.start.character > range.end.character)) return `${what}: start ${JSON.stringify(range.start)} is after end ${JSON.stringify(range.end)}`;
  return undefined;
}

/** Where the offsets of a finding or an edit fall outside [0, length] or run backwards. */
function offsetProblem(start: number, end: number, length: number, what: string): string | undefined {
  if (!Number.isInteger(start) || !Number.isInteger(end)) return `${what}: offsets ${start}..${end} are not integers`;
  if (start < 0 || end > length || start > end) return `${what}: offsets ${start}..${end} outside the document (length ${length}) or reversed`;
  return undefined;
}

const MAX_ACTION_QUERIES = 20;

/**
 * Runs every feature once on the text with a fresh service and reports what went wrong. Rule
 * crashes are caught by the service (and logged with console.error): they count as problems too.
 */
export async function runCase(kb: KnowledgeBase, input: CaseInput): Promise<CaseResult> {
  const problems: string[] = [];
  const logged: string[] = [];
  const originalError = console.error;
  console.error = (...args: unknown[]) => logged.push(args.map(String).join(' '));
  const t0 = performance.now();
  let findings = 0;
  let hovers = 0;
  let actions = 0;
  try {
    const ls = createLanguageService({ kb, docsBaseUri: 'file:///statuslens/content' });
    const doc = TextDocument.create(input.uri, input.languageId, 1, input.text);
    const length = input.text.length;
    const fs_ = await ls.findings(doc);
    findings = fs_.length;
    for (const f of fs_) {
      const bad = offsetProblem(f.start, f.end, length, `finding ${f.ruleId}`);
      if (bad) problems.push(bad);
      for (const fix of f.fixes) {
        const sorted = [...fix.edits].sort((a, b) => a.start - b.start);
        sorted.forEach((e, i) => {
          const b2 = offsetProblem(e.start, e.end, length, `fix "${fix.title}" of ${f.ruleId}`);
          if (b2) problems.push(b2);
          if (i > 0 && e.start < sorted[i - 1]!.end) problems.push(`fix "${fix.title}" of ${f.ruleId}: overlapping edits`);
        });
      }
    }
    const diagnostics = await ls.doValidation(doc);
    for (const d of diagnostics) {
      const bad = rangeProblem(doc, d.range, `diagnostic ${String(d.code)}`);
      if (bad) problems.push(bad);
    }
    const positions = positionsFor(doc, input.positions);
    for (const p of positions) {
      const h = await ls.doHover(doc, p);
      if (!h) continue;
      hovers++;
      if (h.range) {
        const bad = rangeProblem(doc, h.range, `hover at ${JSON.stringify(p)}`);
        if (bad) problems.push(bad);
      }
      const value = typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : undefined;
      if (typeof value !== 'string' || !value) problems.push(`hover at ${JSON.stringify(p)}: empty contents`);
    }
    const queries = diagnostics.slice(0, MAX_ACTION_QUERIES).map((d) => ({ range: d.range, diagnostics: [d] }));
    if (positions.length >= 2) {
      const [a, b] = [positions[0]!, positions[1]!].sort((x, y) => x.line - y.line || x.character - y.character);
      queries.push({ range: { start: a!, end: b! }, diagnostics: [] });
    }
    for (const q of queries) {
      for (const action of await ls.doCodeActions(doc, q.range, { diagnostics: q.diagnostics })) {
        actions++;
        const changes = action.edit?.changes ?? {};
        for (const [uri, edits] of Object.entries(changes)) {
          if (uri !== doc.uri) problems.push(`action "${action.title}": edits another document ${uri}`);
          for (const e of edits as TextEdit[]) {
            const bad = rangeProblem(doc, e.range, `action "${action.title}"`);
            if (bad) problems.push(bad);
          }
          try {
            TextDocument.applyEdits(doc, edits as TextEdit[]);
          } catch (err) {
            problems.push(`action "${action.title}": its edits cannot be applied: ${(err as Error).message}`);
          }
        }
      }
    }
    for (const link of await ls.findDocumentLinks(doc)) {
      const bad = rangeProblem(doc, link.range, `link to ${link.target}`);
      if (bad) problems.push(bad);
    }
  } catch (err) {
    problems.push(`threw: ${(err as Error).stack ?? String(err)}`);
  } finally {
    console.error = originalError;
  }
  const ms = performance.now() - t0;
  for (const line of logged) problems.push(`logged an error: ${line.slice(0, 2000)}`);
  return { ms, problems: [...new Set(problems)].slice(0, 20), findings, hovers, actions };
}

// ---------------------------------------------------------------------------------------------
// Cases run in a worker thread: a case that loops forever is stopped by terminating the worker.

export type RunOutcome = CaseResult | { timedOut: true; ms: number };

export class CaseRunner {
  private worker: { worker: Worker; ready: Promise<void> } | undefined;
  private nextId = 1;

  /** A new worker; `ready` once it has loaded the service and the KB (which is not part of any case's time). */
  private start(): { worker: Worker; ready: Promise<void> } {
    // A CommonJS bootstrap that registers tsx, then loads the TypeScript worker.
    const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(path.join(__dirname, 'fuzz-worker.ts'))});`;
    const worker = new Worker(bootstrap, { eval: true, execArgv: [], stdout: false, stderr: false });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (msg: { ready?: boolean }) => {
        if (!msg.ready) return;
        worker.off('message', onReady);
        resolve();
      };
      worker.on('message', onReady);
      worker.once('error', reject);
    });
    this.worker = { worker, ready };
    return this.worker;
  }

  /** Runs one case; after `timeoutMs` the worker is terminated (and replaced at the next case). */
  async run(input: CaseInput, timeoutMs: number): Promise<RunOutcome> {
    const { worker, ready } = this.worker ?? this.start();
    await ready;
    const id = this.nextId++;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      const onMessage = (msg: { id: number; result: CaseResult }) => {
        if (msg.id !== id) return;
        cleanup();
        resolve(msg.result);
      };
      const onError = (err: Error) => {
        cleanup();
        this.worker = undefined;
        reject(err);
      };
      const timer = setTimeout(() => {
        cleanup();
        this.worker = undefined;
        void worker.terminate();
        resolve({ timedOut: true, ms: performance.now() - t0 });
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.worker.terminate();
  }
}
