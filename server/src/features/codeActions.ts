import type { CodeAction, Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { CodeActionKind } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, LanguageSupport, OffsetEdit } from '../types';
import { SHOW_DOCUMENTATION_COMMAND } from '../protocol';

function toTextEdit(document: TextDocument, e: OffsetEdit): TextEdit {
  return { range: { start: document.positionAt(e.start), end: document.positionAt(e.end) }, newText: e.newText };
}

function overlaps(document: TextDocument, f: Finding, r: Range): boolean {
  const s = document.offsetAt(r.start);
  const e = document.offsetAt(r.end);
  return f.start <= e && s <= f.end;
}

/**
 * Quick fixes for the findings the client asks about, re-derived from the current analysis
 * (never trusted from a stale diagnostic), plus "Disable … for this line" and "Show documentation".
 */
export function codeActionsFor<P>(
  language: LanguageSupport<P>,
  document: TextDocument,
  findings: Finding[],
  range: Range,
  contextDiagnostics: Diagnostic[],
  docsHref: (ruleId: string) => string | undefined,
): CodeAction[] {
  const wanted = contextDiagnostics.filter((d) => d.source === 'statuslens');
  const actions: CodeAction[] = [];
  const seenDisable = new Set<string>();
  let eol: string | undefined;
  /** The document's line break for inserted lines: one scan of the text, and only if needed. */
  const lineBreak = () => (eol ??= document.getText().includes('\r\n') ? '\r\n' : '\n');
  for (const f of findings) {
    if (!overlaps(document, f, range)) continue;
    // When the client names StatusLens diagnostics, only the findings behind them.
    const diagnostic = wanted.find((d) => d.code === f.ruleId && overlaps(document, f, d.range));
    if (wanted.length && !diagnostic) continue;
    for (const fix of f.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        ...(diagnostic ? { diagnostics: [diagnostic] } : {}),
        isPreferred: fix.preferred ?? f.fixes.length === 1,
        edit: { changes: { [document.uri]: fix.edits.map((e) => toTextEdit(document, e)) } },
      });
    }
    if (f.ruleId.endsWith('/syntax')) continue;
    const line = document.positionAt(f.start).line;
    const key = `${f.ruleId}@${line}`;
    if (!seenDisable.has(key)) {
      seenDisable.add(key);
      actions.push({
        title: `Disable ${f.ruleId} for this line`,
        kind: CodeActionKind.QuickFix,
        ...(diagnostic ? { diagnostics: [diagnostic] } : {}),
        edit: { changes: { [document.uri]: [disableNextLineEdit(language, document, line, f.ruleId, lineBreak())] } },
      });
      const href = docsHref(f.ruleId);
      if (href) {
        actions.push({
          title: `Show documentation for ${f.ruleId}`,
          kind: CodeActionKind.QuickFix,
          command: { title: `Show documentation for ${f.ruleId}`, command: SHOW_DOCUMENTATION_COMMAND, arguments: [f.ruleId, href] },
        });
      }
    }
  }
  return actions;
}

/** Inserts `<comment> statuslens-disable-next-line <id>` above the line, at its indentation. */
function disableNextLineEdit<P>(language: LanguageSupport<P>, document: TextDocument, line: number, ruleId: string, eol: string): TextEdit {
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)![0];
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `${indent}${language.commentPrefix(document)} statuslens-disable-next-line ${ruleId}${eol}`,
  };
}
