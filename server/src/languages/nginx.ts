import * as path from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { analyseNginxDocument, clearParseCache, scopeTo, updateNginxDocument, type NginxParsed } from '../analysis/nginxConfig';
import { nginxNodeAt, type NginxArg, type NginxDirective } from '../parsers/nginx';
import { nginxRules } from '../rules/nginx';
import type { DocumentLinkTarget, Finding, LanguageSupport, LanguageUpdate, ParseEnvironment, SymbolAt, TextChange } from '../types';

/** The status code an argument stands for, when the directive makes it a status. */
export function nginxStatusArg(d: NginxDirective, arg: NginxArg, index: number): number | undefined {
  if (arg.quote) return undefined;
  const code = /^(=?)(\d{3})$/.exec(arg.value);
  if (!code) return undefined;
  const n = Number(code[2]);
  switch (d.name) {
    case 'return':
      // `return code [text|URL]` or `return URL`: only the first argument is a code.
      return index === 0 && !code[1] ? n : undefined;
    case 'error_page':
      // `error_page code ... [=[response]] uri`: every argument but the last, both sides of `=`.
      return index < d.args.length - 1 ? n : undefined;
    case 'try_files':
      // `try_files file ... =code`: the last argument may be a status.
      return index === d.args.length - 1 && code[1] ? n : undefined;
    default:
      // limit_req_status, limit_conn_status and other `*_status code` directives.
      return /_status$/.test(d.name) && index === 0 && !code[1] ? n : undefined;
  }
}

function symbolAt(parsed: NginxParsed, offset: number): SymbolAt | undefined {
  const hit = nginxNodeAt(parsed.tree, offset);
  if (!hit || hit.inData) return undefined;
  const { directive, arg, argIndex } = hit;
  if (hit.onName) return { kind: 'directive', server: 'nginx', name: directive.name, start: directive.nameStart, end: directive.nameEnd };
  if (arg && argIndex !== undefined) {
    const code = nginxStatusArg(directive, arg, argIndex);
    if (code !== undefined) {
      const skip = arg.value.startsWith('=') ? 1 : 0;
      return { kind: 'status', code, start: arg.start + skip, end: arg.end };
    }
  }
  return undefined;
}

function syntaxFindings(parsed: NginxParsed): Finding[] {
  // One clear diagnostic for a broken file: the first error is the cause, later ones mostly follow from it.
  return parsed.tree.errors.slice(0, 1).map((e) => ({
    ruleId: 'nginx/syntax',
    start: e.start,
    end: Math.max(e.end, e.start + 1),
    message: `Syntax error: ${e.message}. nginx -t refuses this file; StatusLens still checks the rest.`,
    severity: 'error',
    fixes: [],
  }));
}

/** `include` lines link to the files they include (the first one, for a glob). */
function documentLinks(parsed: NginxParsed): DocumentLinkTarget[] {
  const links: DocumentLinkTarget[] = [];
  const walk = (list: NginxDirective[]) => {
    for (const d of list) {
      if (d.block && d.block.kind !== 'opaque') walk(d.block.children);
      const arg = d.args[0];
      if (d.name !== 'include' || !arg || d.block) continue;
      const targets = parsed.graph.resolve(arg.value, parsed.doc);
      if (!targets.length) continue;
      const shown = targets.slice(0, 10).map((t) => path.basename(t));
      const more = targets.length > 10 ? `, … (${targets.length} files)` : '';
      const start = arg.quote ? arg.start + 1 : arg.start;
      const end = arg.quote ? arg.end - 1 : arg.end;
      links.push({
        start,
        end,
        target: URI.file(targets[0]!).toString(),
        ...(targets.length > 1 ? { tooltip: `Includes ${targets.length} files: ${shown.join(', ')}${more}` } : {}),
      });
    }
  };
  walk(parsed.tree.directives);
  return links;
}

function parse(document: TextDocument, environment: ParseEnvironment): NginxParsed {
  const uri = URI.parse(document.uri);
  const filePath = uri.scheme === 'file' ? uri.fsPath : undefined;
  return analyseNginxDocument(document.getText(), filePath, document.uri, environment.files);
}

/** An edit inside one server block re-reads that block and re-judges it alone (see `Rule.local`). */
function update(previous: NginxParsed, document: TextDocument, change: TextChange, environment: ParseEnvironment): LanguageUpdate<NginxParsed> | undefined {
  const u = updateNginxDocument(previous, document.getText(), change, environment.files);
  if (!u) return undefined;
  return { parsed: u.parsed, scope: scopeTo(u.parsed, u.block), oldStart: u.oldStart, oldEnd: u.oldEnd, delta: u.delta };
}

export const nginxLanguage: LanguageSupport<NginxParsed> = {
  family: 'nginx',
  parse,
  update,
  settle: (parsed) => parsed.release(),
  // Trees of other files (includers, included snippets) are kept while documents are open; not after.
  forget: () => clearParseCache(),
  symbolAt,
  syntaxFindings,
  rules: nginxRules,
  commentPrefix: () => '#',
  trailingComments: true,
  documentLinks,
};
