/**
 * `npm run bench`: the performance goals of issue 9, each measured as a ratio against an anchor
 * taken in the same run, over several runs; writes bench/report.md (and raw numbers to
 * bench/results/). Not part of `npm test`.
 *
 *   npm run bench -- [--runs 5] [--no-build [--dist dir]] [--hovers 400] [--edits 5] [--out bench/report.md] [--keep]
 *
 * By default it first runs `node scripts/package.mjs` (production bundles + .vsix), so the
 * numbers are those of what ships. Big configs are generated into a temporary folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateApache, generateNginx, type Generated } from './generate';
import { SERVER_NODE_OPTIONS } from '../server/src/protocol';
import { rssOf, startBenchServer } from './lsp';
import { prng, quantile, spread, type Spread } from './stats';

const ROOT = path.resolve(__dirname, '..');
/** The server's diagnostics debounce (server/src/server.ts DIAGNOSTICS_DELAY_MS). */
const DEBOUNCE_MS = 150;
const MB = 1024 * 1024;

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
    hovers: { type: 'string', default: '400' },
    edits: { type: 'string', default: '5' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'report.md') },
    servers: { type: 'string', default: '5000' },
    'apache-blocks': { type: 'string', default: '5000' },
    seed: { type: 'string', default: '9' },
    keep: { type: 'boolean', default: false },
    /** Another build to measure (with --no-build), e.g. a copy of dist/ before a change. */
    dist: { type: 'string', default: path.join(ROOT, 'dist') },
  },
});
const DIST = path.resolve(opts.dist!);
const RUNS = Number(opts.runs);
const HOVERS = Number(opts.hovers);
const EDITS = Number(opts.edits);
const SEED = Number(opts.seed);

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

interface ProcessTiming {
  ms: number;
  code: number | null;
  stderr: string;
  stdoutBytes: number;
}

/** Wall time from spawn to exit, stdout drained (the CLI's JSON output is part of its work). */
function timeProcess(cmd: string, args: string[], cwd = ROOT): Promise<ProcessTiming> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdoutBytes = 0;
    child.stdout.on('data', (d: Buffer) => (stdoutBytes += d.length));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stderr, stdoutBytes }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function toolVersion(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout + r.stderr).trim().split('\n')[0];
}

interface RunResult {
  p1?: { check: number; nginx: number };
  p2?: { check: number; apache: number };
  p3: { hoverP50: number; hoverP99: number; emptyP50: number; emptyP99: number; hovers: number; nonNullHovers: number };
  p4: { edit: number; open: number; lineBreak: number };
  p5: { server: number; node: number };
  p6: { server: number; idle: number };
}

const CLI = path.join(DIST, 'cli.js');
const SERVER = path.join(DIST, 'server.js');

async function measureCli(big: Generated, anchor: () => Promise<ProcessTiming>, label: string, flip: boolean): Promise<{ check: number; anchor: number }> {
  const check = () => timeProcess(process.execPath, [CLI, 'check', big.file, '--format', 'json']);
  let a: ProcessTiming;
  let c: ProcessTiming;
  if (flip) {
    a = await anchor();
    c = await check();
  } else {
    c = await check();
    a = await anchor();
  }
  if (a.code !== 0) throw new Error(`${label} failed (exit ${a.code}): ${a.stderr.slice(0, 500)}`);
  // 0: clean, 1: findings at or above the threshold; both are a completed check.
  if (c.code !== 0 && c.code !== 1) throw new Error(`statuslens check failed (exit ${c.code}): ${c.stderr.slice(0, 500)}`);
  return { check: c.ms, anchor: a.ms };
}

/** P3, P4 and P6 share one server with the big nginx file open. */
async function measureServer(big: Generated, text: string, run: number): Promise<Pick<RunResult, 'p3' | 'p4' | 'p6'> & { idleRss: number }> {
  const rootUri = pathToFileURL(path.dirname(big.file)).href;
  const server = await startBenchServer(SERVER, rootUri);
  try {
    const uri = pathToFileURL(big.file).href;
    // P4 anchor: a full analysis, from didOpen (the whole text) to its diagnostics.
    const t0 = performance.now();
    server.open(uri, text, 'nginx', 1);
    const first = await server.diagnostics(uri, 1);
    const open = first.at - t0;

    // P6: resident memory with the file open, once it settled (the server collects garbage 1 s
    // after a big document's analysis); the idle anchor now too.
    await sleep(3000);
    const serverRss = rssOf(server.pid) ?? NaN;
    const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await sleep(1000);
    const idleRss = rssOf(idle.pid!) ?? NaN;
    idle.kill();

    // P3: hovers at random positions interleaved with empty requests on the same connection.
    const lines = text.split('\n');
    const random = prng(SEED * 1000 + run);
    const hoverMs: number[] = [];
    const emptyMs: number[] = [];
    let nonNull = 0;
    for (let i = 0; i < HOVERS; i++) {
      // A random word of a random line: directive names, arguments, status codes.
      const line = Math.floor(random() * lines.length);
      const words = [...(lines[line] ?? '').matchAll(/[^\s;{}]+/g)];
      const word = words[Math.floor(random() * words.length)];
      const character = word ? word.index + Math.floor(random() * word[0].length) : 0;
      const e0 = performance.now();
      // No handler: the server answers MethodNotFound at once. That is the transport's round trip.
      await server.connection.sendRequest('statuslens/benchEmpty', {}).catch(() => undefined);
      emptyMs.push(performance.now() - e0);
      const h0 = performance.now();
      const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } });
      hoverMs.push(performance.now() - h0);
      if (hover) nonNull++;
    }

    // P4: one-character edits (a status digit 4 <-> 5, always a real change), each until its own diagnostics arrive.
    const editable: { line: number; character: number }[] = [];
    lines.forEach((l, i) => {
      const m = /return 20(4);/.exec(l);
      if (m) editable.push({ line: i, character: m.index + 9 });
    });
    const digits = new Map<number, string>();
    const editMs: number[] = [];
    let version = 1;
    for (let i = 0; i < EDITS; i++) {
      const at = editable[Math.floor(random() * editable.length)]!;
      const digit = digits.get(at.line) === '5' ? '4' : '5';
      digits.set(at.line, digit);
      version++;
      const e0 = performance.now();
      server.change(uri, version, [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: digit }]);
      const d = await server.diagnostics(uri, version);
      editMs.push(d.at - e0);
      await sleep(50);
    }
    // Also a line break typed inside a server block, then deleted: lines move, so rules whose
    // messages cite line numbers run on the whole file (reported beside P4, not in it).
    const lineBreakMs: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const at = editable[Math.floor(random() * editable.length)]!;
      version++;
      const e0 = performance.now();
      server.change(uri, version, [{ range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } }, text: '\n' }]);
      const d = await server.diagnostics(uri, version);
      lineBreakMs.push(d.at - e0);
      version++;
      server.change(uri, version, [{ range: { start: { line: at.line, character: 0 }, end: { line: at.line + 1, character: 0 } }, text: '' }]);
      await server.diagnostics(uri, version);
      await sleep(50);
    }
    const editMedian = spread(editMs).median;
    server.closeDocument(uri);
    return {
      p3: { hoverP50: quantile(hoverMs, 0.5), hoverP99: quantile(hoverMs, 0.99), emptyP50: quantile(emptyMs, 0.5), emptyP99: quantile(emptyMs, 0.99), hovers: HOVERS, nonNullHovers: nonNull },
      p4: { edit: editMedian, open, lineBreak: spread(lineBreakMs).median },
      p6: { server: serverRss, idle: idleRss },
      idleRss,
    };
  } finally {
    await server.stop();
  }
}

/** P5: spawn to the first diagnostics of a small file. */
async function measureStartup(dir: string): Promise<{ server: number; node: number }> {
  const node = await timeProcess(process.execPath, ['-e', '0']);
  const file = path.join(dir, 'small', 'nginx.conf');
  const text = 'server {\n    listen 8080;\n    location / {\n        deny all;\n        allow 127.0.0.1;\n    }\n    location = /gone { return 410; }\n}\n';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const server = await startBenchServer(SERVER, pathToFileURL(path.dirname(file)).href);
  try {
    const uri = pathToFileURL(file).href;
    server.open(uri, text, 'nginx', 1);
    const d = await server.diagnostics(uri, 1);
    return { server: d.at - server.spawnedAt, node: node.ms };
  } finally {
    await server.stop();
  }
}

interface Row {
  id: string;
  subject: string;
  anchor: string;
  goal: string;
  limit: number;
  /** Strictly under the limit (P7) rather than at most. */
  strict?: boolean;
  subjectValues: number[];
  anchorValues: number[];
  ratios: number[];
  unit: 'ms' | 'MB';
  extra?: string;
  missing?: string;
}

const fmt = (n: number, unit: 'ms' | 'MB' | '') => {
  if (!Number.isFinite(n)) return 'n/a';
  if (unit === 'MB') return `${(n / MB).toFixed(n >= 10 * MB ? 1 : 2)} MB`;
  if (unit === 'ms') return `${n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)} ms`;
  return n >= 10 ? n.toFixed(1) : n.toFixed(2);
};
const fmtSpread = (s: Spread, unit: 'ms' | 'MB' | '') => (s.min === s.max ? fmt(s.median, unit) : `${fmt(s.median, unit)} (${fmt(s.min, unit)}–${fmt(s.max, unit)})`);

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}; load average at the end ${load}`;
}

async function main() {
  if (!opts['no-build']) {
    log('building the production bundles and the .vsix (node scripts/package.mjs)');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) {
      log('the build failed; fix it or run with --no-build against the current dist/');
      process.exit(1);
    }
  }
  for (const f of [CLI, SERVER]) if (!fs.existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: build first (node scripts/build.mjs)`);
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const vsix = path.join(ROOT, `statuslens-${version}.vsix`);

  const nginxVersion = toolVersion('nginx', ['-v']);
  const apacheVersion = toolVersion('apache2', ['-v']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuslens-bench-'));
  log(`generating configs in ${dir}`);
  const bigNginx = generateNginx(dir, Number(opts.servers));
  const bigApache = generateApache(dir, Number(opts['apache-blocks']));
  const nginxText = fs.readFileSync(bigNginx.file, 'utf8');
  const nginxT = () => timeProcess('nginx', ['-t', '-q', '-p', bigNginx.prefix + '/', '-c', bigNginx.file]);
  const apacheT = () => timeProcess('apache2', ['-t', '-f', bigApache.file]);

  // Warm-up: file caches, the first spawn of each binary.
  log('warm-up');
  await timeProcess(process.execPath, [CLI, 'check', bigNginx.file, '--format', 'json']);
  await timeProcess(process.execPath, [CLI, 'check', bigApache.file, '--format', 'json']);
  if (nginxVersion) {
    const w = await nginxT();
    if (w.code !== 0) throw new Error(`nginx -t rejects the generated config: ${w.stderr}`);
  }
  if (apacheVersion) {
    const w = await apacheT();
    if (w.code !== 0) throw new Error(`apache2 -t rejects the generated config: ${w.stderr}`);
  }

  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    log(`run ${run}/${RUNS}`);
    const flip = run % 2 === 0;
    const p1 = nginxVersion ? await measureCli(bigNginx, nginxT, 'nginx -t', flip) : undefined;
    const p2 = apacheVersion ? await measureCli(bigApache, apacheT, 'apache2 -t', flip) : undefined;
    const s = await measureServer(bigNginx, nginxText, run);
    const p5 = await measureStartup(dir);
    runs.push({
      ...(p1 ? { p1: { check: p1.check, nginx: p1.anchor } } : {}),
      ...(p2 ? { p2: { check: p2.check, apache: p2.anchor } } : {}),
      p3: s.p3,
      p4: s.p4,
      p5,
      p6: s.p6,
    });
    const last = runs[runs.length - 1]!;
    log(`  P1 ${fmt(last.p1?.check ?? NaN, 'ms')} vs ${fmt(last.p1?.nginx ?? NaN, 'ms')}; P2 ${fmt(last.p2?.check ?? NaN, 'ms')} vs ${fmt(last.p2?.apache ?? NaN, 'ms')}; P3 p99 ${fmt(last.p3.hoverP99, 'ms')} vs ${fmt(last.p3.emptyP99, 'ms')}; P4 ${fmt(last.p4.edit, 'ms')} vs ${fmt(last.p4.open, 'ms')}; P5 ${fmt(last.p5.server, 'ms')} vs ${fmt(last.p5.node, 'ms')}; P6 ${fmt(last.p6.server, 'MB')} vs ${fmt(last.p6.idle, 'MB')}`);
  }

  const vsixBytes = fs.existsSync(vsix) ? fs.statSync(vsix).size : NaN;
  const col = <T>(pick: (r: RunResult) => T | undefined) => runs.map(pick).filter((v): v is T => v !== undefined);
  const rows: Row[] = [
    {
      id: 'P1', subject: `\`statuslens check\` on the generated nginx config (${bigNginx.lines.toLocaleString('en')} lines, ${Number(opts.servers).toLocaleString('en')} servers)`, anchor: '`nginx -t` on the same file', goal: '≤ 0.25', limit: 0.25, unit: 'ms',
      subjectValues: col((r) => r.p1?.check), anchorValues: col((r) => r.p1?.nginx), ratios: col((r) => (r.p1 ? r.p1.check / r.p1.nginx : undefined)),
      ...(nginxVersion ? {} : { missing: 'nginx is not installed' }),
    },
    {
      id: 'P2', subject: `\`statuslens check\` on the generated Apache config (${bigApache.lines.toLocaleString('en')} lines)`, anchor: '`apache2 -t` on the same file', goal: '≤ 1.0', limit: 1, unit: 'ms',
      subjectValues: col((r) => r.p2?.check), anchorValues: col((r) => r.p2?.apache), ratios: col((r) => (r.p2 ? r.p2.check / r.p2.apache : undefined)),
      ...(apacheVersion ? {} : { missing: 'apache2 is not installed' }),
    },
    {
      id: 'P3', subject: `hover round trip over stdio on the nginx file, p99 of ${HOVERS} (p50 in the note)`, anchor: 'empty request round trip (unknown method, answered MethodNotFound), p99, same connection, interleaved', goal: '≤ 2 (p99)', limit: 2, unit: 'ms',
      subjectValues: col((r) => r.p3.hoverP99), anchorValues: col((r) => r.p3.emptyP99), ratios: col((r) => r.p3.hoverP99 / r.p3.emptyP99),
      extra: `p50: hover ${fmtSpread(spread(col((r) => r.p3.hoverP50)), 'ms')}, empty ${fmtSpread(spread(col((r) => r.p3.emptyP50)), 'ms')}, ratio ${fmtSpread(spread(col((r) => r.p3.hoverP50 / r.p3.emptyP50)), '')}; hovers with a result: ${fmtSpread(spread(col((r) => r.p3.nonNullHovers)), '')} of ${HOVERS}`,
    },
    {
      id: 'P4', subject: `diagnostics after a one-character edit, minus the ${DEBOUNCE_MS} ms debounce (median of ${EDITS} edits)`, anchor: 'a full analysis: didOpen of the file until its diagnostics', goal: '≤ 0.2', limit: 0.2, unit: 'ms',
      subjectValues: col((r) => r.p4.edit - DEBOUNCE_MS), anchorValues: col((r) => r.p4.open), ratios: col((r) => (r.p4.edit - DEBOUNCE_MS) / r.p4.open),
      extra:
        `as the user sees it, debounce included: ${fmtSpread(spread(col((r) => r.p4.edit)), 'ms')}, ratio ${fmtSpread(spread(col((r) => r.p4.edit / r.p4.open)), '')}; ` +
        `a line break typed in a server block (minus the debounce): ${fmtSpread(spread(col((r) => r.p4.lineBreak - DEBOUNCE_MS)), 'ms')}, ratio ${fmtSpread(spread(col((r) => (r.p4.lineBreak - DEBOUNCE_MS) / r.p4.open)), '')}`,
    },
    {
      id: 'P5', subject: 'server spawn to first diagnostics of a small file (initialize, didOpen, publishDiagnostics)', anchor: 'spawn of `node -e 0` to its exit', goal: '≤ 3', limit: 3, unit: 'ms',
      subjectValues: col((r) => r.p5.server), anchorValues: col((r) => r.p5.node), ratios: col((r) => r.p5.server / r.p5.node),
    },
    {
      id: 'P6', subject: 'server RSS with the nginx file open (VmRSS, 3 s after its diagnostics)', anchor: 'RSS of an idle `node -e "setInterval(()=>{},1000)"`', goal: '≤ 2', limit: 2, unit: 'MB',
      subjectValues: col((r) => r.p6.server), anchorValues: col((r) => r.p6.idle), ratios: col((r) => r.p6.server / r.p6.idle),
    },
    {
      id: 'P7', subject: `\`statuslens-${version}.vsix\` size`, anchor: '3 MB', goal: '< 1', limit: 1, strict: true, unit: 'MB',
      subjectValues: [vsixBytes], anchorValues: [3 * MB], ratios: [vsixBytes / (3 * MB)],
      ...(Number.isFinite(vsixBytes) ? {} : { missing: `${path.basename(vsix)} not found (run without --no-build)` }),
    },
  ];

  const verdict = (r: Row) => {
    if (r.missing || !r.ratios.length) return `not measured: ${r.missing ?? 'no data'}`;
    const m = spread(r.ratios).median;
    const ok = r.strict ? m < r.limit : m <= r.limit;
    return ok ? 'met' : '**missed**';
  };
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'server', 'scripts', 'package.json'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const report = [
    '# StatusLens benchmarks',
    '',
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at ${commit}${dirty ? ' (with uncommitted changes in server/ or scripts/)' : ''}.`,
    `${RUNS} runs; each figure is the median over the runs with the machine's noise as (min–max); each ratio is taken per run against its anchor measured in the same run.`,
    '',
    '| row | measured | anchor | measured: median (min–max) | anchor: median (min–max) | ratio: median (min–max) | goal | result |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      r.missing
        ? `| ${r.id} | ${r.subject} | ${r.anchor} | n/a | n/a | n/a | ${r.goal} | not measured: ${r.missing} |`
        : `| ${r.id} | ${r.subject} | ${r.anchor} | ${fmtSpread(spread(r.subjectValues), r.unit)} | ${fmtSpread(spread(r.anchorValues), r.unit)} | ${fmtSpread(spread(r.ratios), '')} | ${r.goal} | ${verdict(r)} |`,
    ),
    '',
    ...rows.filter((r) => r.extra).map((r) => `- ${r.id}: ${r.extra}`),
    '',
    '## Setup',
    '',
    `- Machine: ${machine()}.`,
    `- Anchors: ${nginxVersion ?? 'nginx not installed'}; ${apacheVersion ?? 'apache2 not installed'}.`,
    `- nginx config: ${bigNginx.lines.toLocaleString('en')} lines, ${(bigNginx.bytes / MB).toFixed(2)} MB (one \`http\` block, ${Number(opts.servers).toLocaleString('en')} servers of 11 lines: listen, server_name, root, add_header, 5 locations). Apache config: ${bigApache.lines.toLocaleString('en')} lines, ${(bigApache.bytes / MB).toFixed(2)} MB (${Number(opts['apache-blocks']).toLocaleString('en')} <Directory> + ${Number(opts['apache-blocks']).toLocaleString('en')} <Location>). Both generated by bench/generate.ts into a temporary folder; both pass \`nginx -t\` / \`apache2 -t\`.`,
    '- P1, P2: wall time from spawn to exit of `node dist/cli.js check <file> --format json` (stdout drained) and of `nginx -t -q -p <prefix> -c <file>` / `apache2 -t -f <file>`; their order alternates between runs.',
    `- P3: after the file's diagnostics, ${HOVERS} hovers at seeded random positions (a random word of a random line), each preceded by one empty request; ratio of the p99s (nearest rank).`,
    `- P4: didChange with one incremental one-character change (a \`return 204\` digit flipped between 4 and 5, so the text always changes) until publishDiagnostics for that version, minus the server's ${DEBOUNCE_MS} ms debounce, which is a deliberate wait, not analysis; the anchor is didOpen of the whole file until its diagnostics (includes receiving the ${(bigNginx.bytes / MB).toFixed(1)} MB text).`,
    '- P5: from spawning `node dist/server.js --stdio` through initialize/initialized and didOpen of an 8-line nginx file to its publishDiagnostics.',
    `- P3–P6: the server runs as the VS Code client starts it: \`node ${SERVER_NODE_OPTIONS.join(' ')} dist/server.js\` (SERVER_NODE_OPTIONS in server/src/protocol.ts).`,
    '- P6: VmRSS from /proc/<pid>/status of the server 3 s after the big file\'s diagnostics (it collects garbage 1 s after a big analysis), and of an idle Node process 1 s after its start.',
    '- P7: the file written by `node scripts/package.mjs` (production bundles) against 3 MB = 3,145,728 bytes.',
    '',
  ].join('\n');
  fs.writeFileSync(opts.out!, report);
  const rawDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(rawDir, { recursive: true });
  fs.writeFileSync(path.join(rawDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ runs, vsixBytes, nginx: bigNginx, apache: bigApache }, null, 2));
  process.stdout.write(report);
  if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
}

main().catch((err: unknown) => {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
