import type { TextDocument } from 'vscode-languageserver-textdocument';
import { forgetRouteFile, parseRouteFile, type RouteFile } from '../parsers/routes';
import { routesRules } from '../rules/routes';
import type { LanguageSupport, SymbolAt } from '../types';

/** The status under the cursor: a produced status or a symbolic status constant. */
function symbolAt(file: RouteFile, offset: number): SymbolAt | undefined {
  // Tokens are sorted; the innermost (shortest) one wins when they nest.
  let best: SymbolAt | undefined;
  for (const t of file.tokens) {
    if (t.start > offset) break;
    if (offset <= t.end && (!best || t.end - t.start < best.end - best.start)) best = { kind: 'status', code: t.code, start: t.start, end: t.end };
  }
  return best;
}

/**
 * Route files of every framework family (JS/TS, Python, PHP, Ruby, Go). Files that do not use a
 * framework are recognised from their text and never parsed.
 */
export const routesLanguage: LanguageSupport<RouteFile> = {
  family: 'routes',
  parse: (document: TextDocument) => parseRouteFile(document.uri, document.languageId, document.getText()),
  symbolAt,
  syntaxFindings: () => [],
  rules: routesRules,
  commentPrefix: (document) => (document.languageId === 'python' || document.languageId === 'ruby' ? '#' : '//'),
  trailingComments: true,
  forget: forgetRouteFile,
};
