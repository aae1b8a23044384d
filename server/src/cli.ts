/**
 * `statuslens`: the language service's engine for CI and terminals.
 *   statuslens check [paths or globs...] [--format stylish|json|sarif] [--rule id=severity]...
 *   statuslens explain <code|rule-id|directive>
 * Exit codes: 0 clean, 1 findings at or above the threshold, 2 usage or I/O error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadBundledKb } from './kb/bundled';
import { KnowledgeBase } from './kb/knowledgeBase';
import { createLanguageService } from './service';
import { allRules } from './rules';
import { defaultSettings, SEVERITY_SETTINGS, type SeveritySetting } from './types';
import { discover, UsageError } from './cli/discover';
import { formatJson, formatSarif, formatStylish, type CliFinding } from './cli/formatters';

const VERSION = '0.1.0';
/** Where rule pages are published (the repository's content/ folder). */
const HELP_BASE_URL = 'https://github.com/statuslens/statuslens/blob/main/content';

interface CheckOptions {
  format: 'stylish' | 'json' | 'sarif';
  rule: Record<string, SeveritySetting>;
  maxWarnings: number;
  quiet: boolean;
  outputFile?: string;
  color: boolean;
}

export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  kb?: KnowledgeBase;
}

function parseRuleOption(value: string, previous: Record<string, SeveritySetting>): Record<string, SeveritySetting> {
  const m = /^([a-z]+\/[a-z0-9-]+)=(\w+)$/.exec(value.trim());
  if (!m || !SEVERITY_SETTINGS.includes(m[2] as SeveritySetting)) {
    throw new InvalidArgumentError(`expected <rule-id>=<${SEVERITY_SETTINGS.join('|')}>, e.g. nginx/limit-status-503=error`);
  }
  if (!allRules.some((r) => r.id === m[1]) && !m[1]!.endsWith('/syntax')) throw new InvalidArgumentError(`unknown rule "${m[1]}" (see statuslens explain <rule-id>)`);
  return { ...previous, [m[1]!]: m[2] as SeveritySetting };
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError('expected a whole number (-1 for no limit)');
  return n;
}

export async function check(inputs: string[], options: CheckOptions, io: CliIo): Promise<number> {
  // Findings never read the knowledge base; only SARIF rule metadata does (reading dist/kb.json costs ~10 ms).
  const kb = io.kb ?? (options.format === 'sarif' ? loadBundledKb() : new KnowledgeBase([]));
  const settings = defaultSettings();
  settings.rules = { ...options.rule };
  const service = createLanguageService({ kb, settings, docsBaseUri: HELP_BASE_URL });
  const targets = discover(inputs, io.cwd);
  const findings: CliFinding[] = [];
  const progress = io.stderrIsTty && targets.length > 20;
  let unreadable = 0;
  for (const [i, target] of targets.entries()) {
    if (progress && i % 10 === 0) io.stderr(`\rstatuslens: checking ${i + 1}/${targets.length} files`);
    let text: string;
    try {
      text = fs.readFileSync(target.file, 'utf8');
    } catch (err) {
      io.stderr(`statuslens: cannot read ${target.file}: ${(err as Error).message}\n`);
      unreadable++;
      continue;
    }
    const document = TextDocument.create(`file://${target.file}`, target.languageId, 1, text);
    for (const f of await service.findings(document)) {
      if (options.quiet && f.severity !== 'error') continue;
      const start = document.positionAt(f.start);
      const end = document.positionAt(f.end);
      findings.push({ file: target.file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, ruleId: f.ruleId, severity: f.severity, message: f.message });
    }
    service.forget(document.uri);
  }
  if (progress) io.stderr(`\rstatuslens: checked ${targets.length} files${' '.repeat(20)}\n`);

  let output: string;
  if (options.format === 'json') output = formatJson(findings);
  else if (options.format === 'sarif') output = formatSarif(findings, { cwd: io.cwd, version: VERSION, helpBaseUrl: HELP_BASE_URL, helpUri: service.docsHref, rules: allRules, kb });
  else output = formatStylish(findings, io.cwd, options.color) || (targets.length ? '' : 'statuslens: no nginx, Apache or route files found');
  if (options.outputFile) fs.writeFileSync(path.resolve(io.cwd, options.outputFile), output + '\n');
  else if (output) io.stdout(output + '\n');

  if (unreadable) return 2;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const tooManyWarnings = options.maxWarnings >= 0 && warnings > options.maxWarnings;
  if (tooManyWarnings && options.maxWarnings > 0 && options.format === 'stylish') {
    io.stderr(`statuslens: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
  }
  return errors > 0 || tooManyWarnings ? 1 : 0;
}

export async function explain(query: string, io: CliIo): Promise<number> {
  // Loaded on demand: the terminal renderer (marked-terminal, highlight.js) costs ~60 ms at start-up, which `check` never needs.
  const { findPage, renderForTerminal } = await import('./cli/explain');
  const kb = io.kb ?? loadBundledKb();
  const page = findPage(kb, query);
  if (!page) {
    io.stderr(`statuslens: no page for "${query}". Try a status code (403), a rule id (nginx/limit-status-503) or a directive (limit_req).\n`);
    return 2;
  }
  io.stdout(renderForTerminal(page.markdown, io.stdoutIsTty, Math.min(process.stdout.columns || 100, 110)));
  return 0;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('statuslens')
    .description('Explains HTTP status codes in nginx, Apache and route files, and checks configs that answer the wrong status.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run statuslens --help for usage)');

  program
    .command('check')
    .description('check nginx, Apache and route files (default: the current folder, honouring .gitignore)')
    .argument('[paths...]', 'files, folders or globs')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'sarif']).default('stylish'))
    .option('--rule <id=severity>', 'set a rule to off|hint|info|warning|error (repeatable)', parseRuleOption, {})
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', parseCount, 0)
    .option('-q, --quiet', 'report errors only', false)
    .option('-o, --output-file <file>', 'write the report to a file instead of stdout')
    .option('--no-color', 'plain output even on a terminal')
    .action(async (paths: string[], opts: Omit<CheckOptions, 'color'> & { color: boolean }) => {
      exitCode = await check(paths, { ...opts, color: opts.color && io.stdoutIsTty }, io);
    });

  program
    .command('explain')
    .description('print a knowledge-base page: a status code, a rule id or a directive')
    .argument('<code|rule-id|directive>', 'e.g. 403, nginx/limit-status-503, limit_req')
    .action(async (query: string) => {
      exitCode = await explain(query, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage mistakes exit 2.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.stderr(`statuslens: ${err.message}\n`);
      return 2;
    }
    io.stderr(`statuslens: ${(err as Error).stack ?? err}\n`);
    return 2;
  }
}

export async function main(): Promise<void> {
  const code = await run(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutIsTty: !!process.stdout.isTTY,
    stderrIsTty: !!process.stderr.isTTY,
  });
  process.exitCode = code;
}

if (require.main === module) void main();
