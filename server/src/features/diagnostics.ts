import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, LanguageSupport, Rule, Settings, Severity } from '../types';
import { collectSuppressions } from './suppression';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Runs the syntax check and every enabled rule; applies settings and suppression comments. */
export function runRules<P>(language: LanguageSupport<P>, document: TextDocument, parsed: P, settings: Settings): Finding[] {
  const findings: Finding[] = [...language.syntaxFindings(parsed)];
  for (const rule of language.rules) {
    if (settings.rules[rule.id] === 'off') continue;
    runRule(rule, document, parsed, findings);
  }
  const suppressions = collectSuppressions(document.getText());
  return findings
    .filter((f) => settings.rules[f.ruleId] !== 'off')
    .filter((f) => !suppressions.isSuppressed(f.ruleId, document.positionAt(f.start).line))
    .map((f) => {
      const configured = settings.rules[f.ruleId];
      return configured && configured !== 'off' ? { ...f, severity: configured } : f;
    });
}

function runRule<P>(rule: Rule<P>, document: TextDocument, parsed: P, out: Finding[]) {
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
