import type { TextDocument } from 'vscode-languageserver-textdocument';
import { nginxNodeAt, parseNginx, type NginxArg, type NginxDirective, type NginxFile } from '../parsers/nginx';
import { nginxRules } from '../rules/nginx';
import type { Finding, LanguageSupport, SymbolAt } from '../types';

/** The status code an argument stands for, when the directive makes it a status. */
export function nginxStatusArg(d: NginxDirective, arg: NginxArg, index: number): number | undefined {
  const code = /^=?(\d{3})$/.exec(arg.value);
  if (!code || arg.quote) return undefined;
  const n = Number(code[1]);
  switch (d.name) {
    case 'return':
      // `return code [text|URL]` or `return URL`: only the first argument is a code.
      return index === 0 ? n : undefined;
    case 'error_page':
      // `error_page code ... [=[response]] uri`: every argument but the last.
      return index < d.args.length - 1 ? n : undefined;
    default:
      // limit_req_status, limit_conn_status, auth_request_set? no: only *_status take a code.
      return /_status$/.test(d.name) && index === 0 ? n : undefined;
  }
}

function symbolAt(file: NginxFile, offset: number): SymbolAt | undefined {
  const hit = nginxNodeAt(file, offset);
  if (!hit) return undefined;
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

function syntaxFindings(file: NginxFile): Finding[] {
  // One clear diagnostic for a broken file: the first error is the cause, later ones mostly follow from it.
  return file.errors.slice(0, 1).map((e) => ({
    ruleId: 'nginx/syntax',
    start: e.start,
    end: e.end,
    message: `Syntax error: ${e.message}. nginx -t refuses this file; StatusLens still checks the rest.`,
    severity: 'error',
    fixes: [],
  }));
}

export const nginxLanguage: LanguageSupport<NginxFile> = {
  family: 'nginx',
  parse: (document: TextDocument) => parseNginx(document.getText()),
  symbolAt,
  syntaxFindings,
  rules: nginxRules,
  commentPrefix: () => '#',
  trailingComments: true,
};
