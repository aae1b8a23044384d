import { pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyseApache, type ApacheParsed } from '../analysis/apacheAnalysis';
import { apacheDirectiveFacts } from '../analysis/apacheDirectives';
import { clearParseCache } from '../analysis/apacheIncludes';
import { apacheStatusArg, rewriteFlagStatuses } from '../analysis/apacheStatus';
import { apacheNodeAt } from '../parsers/apache';
import { apacheRules } from '../rules/apache';
import type { DocumentLinkTarget, Finding, LanguageSupport, SymbolAt } from '../types';

function symbolAt(parsed: ApacheParsed, offset: number): SymbolAt | undefined {
  const hit = apacheNodeAt(parsed.file, offset);
  if (!hit) return undefined;
  const { directive, arg, argIndex } = hit;
  if (hit.onName) return { kind: 'directive', server: 'apache', name: directive.name, start: directive.nameStart, end: directive.nameEnd };
  if (!arg || argIndex === undefined) return undefined;
  if (directive.lname === 'rewriterule') {
    const flag = rewriteFlagStatuses(arg).find((f) => f.start <= offset && offset <= f.end);
    return flag ? { kind: 'status', ...flag } : undefined;
  }
  const code = apacheStatusArg(directive, arg, argIndex);
  return code !== undefined ? { kind: 'status', code, start: arg.start, end: arg.end } : undefined;
}

function syntaxFindings(parsed: ApacheParsed): Finding[] {
  // One diagnostic for a broken file: the first error is the cause, later ones mostly follow from it.
  return parsed.file.errors.slice(0, 1).map((e) => ({
    ruleId: 'apache/syntax',
    start: e.start,
    end: e.end,
    message:
      parsed.kind === 'htaccess'
        ? `Syntax error: ${e.message}. Apache answers 500 Internal Server Error for every request under this folder; StatusLens still checks the rest.`
        : `Syntax error: ${e.message}. Apache refuses this configuration (apache2 -t fails); StatusLens still checks the rest.`,
    severity: 'error',
    fixes: [],
  }));
}

/** `Include` targets found in the workspace become links (the first match of a wildcard). */
function documentLinks(parsed: ApacheParsed): DocumentLinkTarget[] {
  const links: DocumentLinkTarget[] = [];
  for (const inc of parsed.includes) {
    const arg = inc.directive.args[0];
    const target = inc.files[0];
    if (!arg || !target) continue;
    links.push({
      start: arg.start,
      end: arg.end,
      target: pathToFileURL(target).href,
      ...(inc.files.length > 1 ? { tooltip: `${inc.files.length} files match; opens the first` } : {}),
    });
  }
  return links;
}

export const apacheLanguage: LanguageSupport<ApacheParsed> = {
  family: 'apache',
  parse: (document: TextDocument, environment) => analyseApache(document, environment),
  symbolAt,
  syntaxFindings,
  rules: apacheRules,
  // Apache has whole-line comments only: suppressions go on their own line above.
  commentPrefix: () => '#',
  trailingComments: false,
  documentLinks,
  directiveInfo: apacheDirectiveFacts,
  // Parses of other files (includes, governing configs) are kept while documents are open; not after.
  forget: () => clearParseCache(),
};
