/**
 * Which documents are route files, decided from the text alone before any parse, so ordinary
 * code never pays for a syntax tree. These are cheap searches for imports and the usages of a
 * framework's request/response objects, not parsers: a file that passes is then parsed for real,
 * and a status is only recognised where the syntax tree says it is produced.
 */
import type { GrammarId } from './grammars';
import { commonAffixes } from './incremental';
import type { RouteLanguage } from './model';

export function grammarFor(languageId: string, uri: string): { grammar: GrammarId; language: RouteLanguage } | undefined {
  switch (languageId) {
    case 'javascript':
    case 'javascriptreact':
      return { grammar: 'javascript', language: 'javascript' };
    case 'typescript':
      // A .tsx file opened with the plain TypeScript id still needs the JSX-aware grammar.
      return { grammar: /\.tsx$/i.test(uri) ? 'tsx' : 'typescript', language: 'javascript' };
    case 'typescriptreact':
      return { grammar: 'tsx', language: 'javascript' };
    case 'python':
      return { grammar: 'python', language: 'python' };
    case 'php':
      return { grammar: 'php', language: 'php' };
    case 'ruby':
      return { grammar: 'ruby', language: 'ruby' };
    case 'go':
      return { grammar: 'go', language: 'go' };
    default:
      return undefined;
  }
}

/** Imports and usages that mark a route file, per language. One hit is enough. */
const SIGNALS: Record<RouteLanguage, RegExp[]> = {
  javascript: [
    // Framework imports (require or import); anchored on the keyword, since quotes are everywhere.
    /(?:\bfrom|\brequire\s*\(|\bimport\s*\(?)\s*['"](?:express|fastify|koa|@koa\/router|koa-router|next\/server|next|@nestjs\/common|@nestjs\/core|http-status-codes|http-errors|@hapi\/boom|@hapi\/hapi|hono|node:http|http|restify|polka)['"]/,
    // Response objects in use.
    /\b(?:res|response|reply)\s*\.\s*(?:status|sendStatus|writeHead|code)\s*\(/,
    /\b(?:res|response)\s*\.\s*statusCode\s*=/,
    /\bctx\s*\.\s*(?:status\s*=|throw\s*\(|assert\s*\()/,
    /\b(?:NextResponse|Response)\s*\.\s*(?:json|redirect)\s*\(|\bnew\s+(?:Next)?Response\s*\(/,
    /\bHttpStatus\s*\.|\bStatusCodes\s*\./,
    /\bcreateError\s*\(|\bnext\s*\(\s*createError/,
  ],
  python: [
    /^\s*(?:from|import)\s+(?:flask|fastapi|starlette|django|rest_framework|werkzeug|quart|sanic|aiohttp|bottle|falcon|tornado)\b/m,
    /\babort\s*\(|\bHTTPException\s*\(|\bHttpResponse\w*\s*\(|\bmake_response\s*\(|\bstatus\.HTTP_\d{3}/,
  ],
  php: [
    /\b(?:Illuminate|Symfony\\Component\\HttpFoundation|Symfony\\Component\\HttpKernel|Laravel|Slim|Psr\\Http)\\/,
    /\babort(?:_if|_unless)?\s*\(|\bresponse\s*\(|\bResponse::HTTP_|\bhttp_response_code\s*\(|->setStatusCode\s*\(|->withStatus\s*\(/,
  ],
  ruby: [
    /<\s*(?:ApplicationController|ActionController::(?:Base|API)|Sinatra::Base|Grape::API)\b/,
    /^\s*require\s+['"](?:sinatra|rails|action_controller)/m,
    /\bhead\s*\(?\s*(?::\w+|\d{3})|\bstatus:\s*(?::\w+|\d{3})|\bhalt\s*\(?\s*\d{3}|\bresponse\.status\s*=/,
  ],
  go: [
    /"net\/http"|"github\.com\/(?:gin-gonic\/gin|labstack\/echo[^"]*|gofiber\/fiber[^"]*|go-chi\/chi[^"]*|gorilla\/mux)"/,
  ],
};

/** Whether the text looks like a route file of the language; a regex pre-check, not a parse. */
export function looksLikeRouteFile(text: string, language: RouteLanguage): boolean {
  return SIGNALS[language].some((re) => re.test(text));
}

/** The last verdict per document, so an edit to a plain file only re-reads what changed. */
const verdicts = new Map<string, { text: string; language: RouteLanguage; qualifies: boolean }>();
const MAX_VERDICTS = 32;
/** Longer than any signal, so one that straddles the edit is still seen whole. */
const MARGIN = 256;

/**
 * Whether a document is a route file, remembering the answer per uri. A file that did not
 * qualify can only start to through what an edit added, so only the edited span (and a margin,
 * from the start of its line) is searched again; a file that qualified is searched again whole.
 */
export function qualifies(uri: string, text: string, language: RouteLanguage): boolean {
  const last = verdicts.get(uri);
  let verdict: boolean;
  if (last && last.text === text && last.language === language) verdict = last.qualifies;
  else if (last && !last.qualifies && last.language === language) {
    const { prefix, suffix } = commonAffixes(last.text, text);
    const from = text.lastIndexOf('\n', Math.max(0, prefix - MARGIN)) + 1;
    const to = Math.min(text.length, text.length - suffix + MARGIN);
    verdict = looksLikeRouteFile(text.slice(from, to), language);
  } else verdict = looksLikeRouteFile(text, language);
  verdicts.delete(uri);
  verdicts.set(uri, { text, language, qualifies: verdict });
  if (verdicts.size > MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value as string);
  return verdict;
}

export function forgetVerdict(uri: string): void {
  verdicts.delete(uri);
}
