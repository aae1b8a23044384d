import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, LanguageSupport, LanguageUpdate, Rule, Settings, Severity } from '../types';
import { collectSuppressions } from './suppression';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * The syntax findings and every enabled rule's findings, before settings and suppression comments:
 * each rule's in offset order, rules in registry order (what an update reuses).
 */
export function collectFindings<P>(language: LanguageSupport<P>, document: TextDocument, parsed: P, settings: Settings): Finding[] {
  const findings: Finding[] = [...language.syntaxFindings(parsed)];
  for (const rule of language.rules) {
    if (settings.rules[rule.id] === 'off') continue;
    for (const f of runRule(rule, document, parsed)) findings.push(f);
  }
  return findings;
}

/**
 * `collectFindings` after an edit, from the previous version's: rules that are `local` are
 * re-run on the edited unit alone and keep their other findings (moved by the edit's delta);
 * the others run on the whole document. Gives what `collectFindings` gives on the new version.
 */
export function updateFindings<P>(
  language: LanguageSupport<P>,
  document: TextDocument,
  update: LanguageUpdate<P>,
  previous: Finding[],
  settings: Settings,
  linesMoved: boolean,
): Finding[] {
  const { oldStart, oldEnd, delta } = update;
  const newEnd = oldEnd + delta;
  // A range touches the unit when it overlaps it, or is a point strictly inside it.
  const touchesUnit = (start: number, end: number) => (start === end ? start > oldStart && start < oldEnd : start < oldEnd && end > oldStart);
  const movable = (f: Finding) => !touchesUnit(f.start, f.end) && f.fixes.every((fix) => fix.edits.every((e) => !touchesUnit(e.start, e.end)));
  const at = (n: number) => (n >= oldEnd ? n + delta : n);
  const move = (f: Finding): Finding =>
    delta === 0 ? f : { ...f, start: at(f.start), end: at(f.end), fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, start: at(e.start), end: at(e.end) })) })) };

  const byRule = new Map<string, Finding[]>();
  for (const f of previous) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const findings: Finding[] = [...language.syntaxFindings(update.parsed)];
  for (const rule of language.rules) {
    if (settings.rules[rule.id] === 'off') continue;
    const before = byRule.get(rule.id) ?? [];
    const kept = before.filter((f) => !(f.start >= oldStart && f.start < oldEnd));
    let result: Finding[] | undefined;
    if (rule.local && !(rule.citesLines && linesMoved) && kept.every(movable)) {
      const inUnit = runRule(rule, document, update.scope);
      // A local rule reports inside the unit it judges; anything else breaks the promise: run it whole.
      if (inUnit.every((f) => f.start >= oldStart && f.end <= newEnd)) {
        result = [...kept.filter((f) => f.start < oldStart).map(move), ...inUnit, ...kept.filter((f) => f.start >= oldEnd).map(move)];
      }
    }
    for (const f of result ?? runRule(rule, document, update.parsed)) findings.push(f);
  }
  return findings;
}

/** Settings (rules off, severities) and suppression comments. */
export function applySettings(document: TextDocument, findings: Finding[], settings: Settings): Finding[] {
  const suppressions = collectSuppressions(document.getText());
  return findings
    .filter((f) => settings.rules[f.ruleId] !== 'off')
    .filter((f) => !suppressions.isSuppressed(f.ruleId, document.positionAt(f.start).line))
    .map((f) => {
      const configured = settings.rules[f.ruleId];
      return configured && configured !== 'off' ? { ...f, severity: configured } : f;
    });
}

/** One rule's findings in offset order (stable: a rule's own order among equal offsets stays). */
function runRule<P>(rule: Rule<P>, document: TextDocument, parsed: P): Finding[] {
  const out: Finding[] = [];
  try {
    rule.check({
      document,
      parsed,
      report: (r) => out.push({ ruleId: rule.id, start: r.start, end: r.end, message: r.message, severity: r.severity ?? rule.severity, fixes: r.fixes ?? [] }),
    });
  } catch (err) {
    // A rule bug must never take the server down or hide the other rules' findings.
    console.error(`statuslens: rule ${rule.id} failed on ${document.uri}: ${(err as Error).stack ?? err}`);
  }
  return out.sort((a, b) => a.start - b.start);
}

export function toDiagnostic(document: TextDocument, finding: Finding, docsHref: (ruleId: string) => string | undefined): Diagnostic {
  const href = docsHref(finding.ruleId);
  return {
    range: { start: document.positionAt(finding.start), end: document.positionAt(finding.end) },
    severity: LSP_SEVERITY[finding.severity],
    source: 'statuslens',
    code: finding.ruleId,
    ...(href ? { codeDescription: { href } } : {}),
    message: finding.message,
  };
}
