/**
 * Python: Flask/Quart, FastAPI/Starlette, Django and Django REST framework, werkzeug exceptions.
 */
import type { Node } from 'web-tree-sitter';
import type { OffsetEdit } from '../../types';
import type { Condition, Guard, TrackedHeader } from './model';
import { codeForName, codeForPrefixedName, spellName } from './statusNames';
import { ifChainExitGuards, ifChainGuards, rightOperandGuards, type IfChainGrammar } from './branchGuards';
import {
  chosenStatuses,
  collector,
  compareWithLiteral,
  extractionMap,
  httpMethod,
  insertFirst,
  insertStatementBefore,
  isMethodChain,
  kids,
  logicalCondition,
  numberStatus,
  replaceWith,
  stringValue,
  tokens,
  truthOf,
  unwrapper,
  visit,
  type Dialect,
  type Extracted,
  type LiteralSyntax,
  type StatusValue,
} from './syntax';

export const HANDLERS = new Set(['function_definition', 'lambda']);

const unwrap = unwrapper(['parenthesized_expression', 'await']);

/**
 * Names already read in this extraction, by node id. Error recovery can nest thousands of calls
 * in one chain, and every call asks for the names of the chain below it: without this, quadratic.
 */
const namesSeen = extractionMap<string[]>();

/** `request.user.is_authenticated` → [request, user, is_authenticated]; `request.headers.get('Authorization')` → [..., Authorization]. */
function names(node: Node | null | undefined): string[] {
  if (!node) return [];
  let known = namesSeen.get(node.id);
  if (!known) {
    known = namesUncached(node);
    namesSeen.set(node.id, known);
  }
  // A copy: callers take the last name with pop().
  return known.slice();
}

function namesUncached(node: Node): string[] {
  const n = unwrap(node);
  switch (n.type) {
    case 'identifier':
      return [n.text];
    case 'attribute':
      return [...names(n.childForFieldName('object')), n.childForFieldName('attribute')?.text ?? ''];
    case 'subscript': {
      const key = n.childForFieldName('subscript');
      const s = key?.type === 'string' ? stringValue(key) : undefined;
      return s !== undefined ? [...names(n.childForFieldName('value')), s] : names(n.childForFieldName('value'));
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      const first = kids(n.childForFieldName('arguments'))[0];
      // `headers.get('Authorization')`: the key is the name that matters.
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get' && first?.type === 'string') {
        const s = stringValue(first);
        if (s !== undefined) return [...names(fn.childForFieldName('object')), s];
      }
      return names(fn);
    }
    default:
      return [];
  }
}

function isAbsentLiteral(n: Node): boolean {
  return n.type === 'none' || n.type === 'false' || (n.type === 'string' && stringValue(n) === '');
}

function methodsIn(n: Node): string[] | undefined {
  const items = n.type === 'string' ? [n] : ['tuple', 'list', 'set'].includes(n.type) ? kids(n) : undefined;
  if (!items) return undefined;
  const methods = items.map((i) => (i.type === 'string' ? httpMethod(stringValue(i)) : undefined));
  return methods.every((m): m is string => !!m) ? methods : undefined;
}

export function condition(node: Node): Condition {
  const n = unwrap(node);
  switch (n.type) {
    case 'not_operator':
      return { kind: 'not', arg: condition(n.childForFieldName('argument')!) };
    case 'boolean_operator':
      return logicalCondition(tokens(n).includes('and') ? 'and' : 'or', [n.childForFieldName('left'), n.childForFieldName('right')], condition);
    case 'comparison_operator': {
      const operands = kids(n);
      const ops = tokens(n);
      if (operands.length !== 2 || ops.length < 1) return { kind: 'other' };
      const op = ops.join(' ');
      const [left, right] = operands.map(unwrap) as [Node, Node];
      const negated = op === 'is not' || op === '!=' || op === 'not in';
      const c = compare(left, right, op.endsWith('in') && !op.startsWith('is'));
      return negated ? { kind: 'not', arg: c } : c;
    }
    case 'call':
    case 'identifier':
    case 'attribute':
    case 'subscript':
      return truthOf(names(n));
    default:
      return { kind: 'other' };
  }
}

function compare(left: Node, right: Node, membership: boolean): Condition {
  if (membership) {
    // `request.method in ('GET', 'HEAD')`, `'Authorization' in request.headers`, `'admin' in user.roles`.
    const methods = methodsIn(right);
    if (methods && isMethodChain(names(left))) return { kind: 'method', methods };
    if (left.type === 'string') {
      const key = stringValue(left) ?? '';
      const holder = truthOf(names(right));
      if (holder.kind === 'permission') return holder;
      return truthOf([key]).kind === 'authenticated' ? { kind: 'authenticated' } : { kind: 'other' };
    }
    return { kind: 'other' };
  }
  return compareWithLiteral(left, right, LITERALS);
}

const LITERALS: LiteralSyntax = {
  names,
  isAbsent: isAbsentLiteral,
  // A string that interpolates (f-string) still counts: never a method, but a permission test beside a permission name.
  stringOf: (n) => (n.type === 'string' ? (stringValue(n) ?? '') : undefined),
};

/** Whether a block always leaves the function: return, raise, or Flask's abort(). */
function exits(block: Node | null | undefined): boolean {
  const last = kids(block).pop();
  if (!last) return false;
  if (last.type === 'return_statement' || last.type === 'raise_statement') return true;
  const call = last.type === 'expression_statement' ? kids(last)[0] : undefined;
  return call?.type === 'call' && names(call.childForFieldName('function')).pop() === 'abort';
}

const IF_CHAIN: IfChainGrammar = { ifType: 'if_statement', elseIfType: 'elif_clause', bodyField: 'consequence', alternativeField: 'alternative' };

const dialect: Dialect = {
  handlerTypes: HANDLERS,
  exitGuards: (statement) => ifChainExitGuards(statement, IF_CHAIN, exits, condition),
  guardsAt(parent, child): Guard[] {
    switch (parent.type) {
      case 'if_statement':
      case 'elif_clause':
        return ifChainGuards(parent, child, IF_CHAIN, condition);
      case 'conditional_expression': {
        // `a if cond else b`
        const [consequence, cond, alternative] = kids(parent);
        if (!cond) return [];
        if (consequence?.id === child.id) return [{ condition: condition(cond), holds: true }];
        if (alternative?.id === child.id) return [{ condition: condition(cond), holds: false }];
        return [];
      }
      case 'boolean_operator':
        return rightOperandGuards(parent, child, tokens(parent).includes('and') ? 'and' : 'or', condition);
      default:
        return [];
    }
  },
};

// ---- Status values ----------------------------------------------------------------------

/** `status.HTTP_403_FORBIDDEN`, `HTTP_403_FORBIDDEN`, `HTTPStatus.FORBIDDEN` (and its `.value`). */
function constantToken(n: Node): { code: number; respell: (code: number) => OffsetEdit[] | undefined } | undefined {
  let node = n;
  if (node.type === 'attribute' && node.childForFieldName('attribute')?.text === 'value') node = node.childForFieldName('object') ?? node;
  const name = node.type === 'attribute' ? node.childForFieldName('attribute') : node.type === 'identifier' ? node : null;
  if (!name) return undefined;
  const numbered = /^HTTP_\d{3}_/.test(name.text) ? codeForPrefixedName(name.text) : undefined;
  if (numbered) {
    return { code: numbered, respell: replaceWith(name.startIndex, name.endIndex, (c) => `HTTP_${c}_${spellName(c, 'UPPER_SNAKE')}`) };
  }
  const holder = node.type === 'attribute' ? names(node.childForFieldName('object')).pop() : undefined;
  if (holder === 'HTTPStatus') {
    const code = codeForName(name.text);
    if (code) return { code, respell: replaceWith(name.startIndex, name.endIndex, (c) => spellName(c, 'UPPER_SNAKE')) };
  }
  return undefined;
}

function statusValues(node: Node | null | undefined): StatusValue[] {
  if (!node) return [];
  const n = unwrap(node);
  if (n.type === 'integer') return numberStatus(n);
  if (n.type === 'attribute' || n.type === 'identifier') {
    const token = constantToken(n);
    return token ? [{ code: token.code, node: n, respell: token.respell }] : [];
  }
  if (n.type === 'conditional_expression') {
    const [consequence, cond, alternative] = kids(n);
    if (!cond) return [];
    return chosenStatuses(condition(cond), statusValues(consequence), statusValues(alternative));
  }
  return [];
}

/**
 * Classes that are a status by name: Django responses and exceptions, DRF and werkzeug exceptions.
 * `adds` are headers the framework sets for them (DRF's NotAuthenticated carries the
 * authenticator's challenge; HttpResponseNotAllowed takes the methods and sends Allow).
 */
const CLASSES: Record<string, { code: number; adds?: TrackedHeader; addsWithArgs?: TrackedHeader }> = {
  HttpResponseForbidden: { code: 403 },
  HttpResponseNotAllowed: { code: 405, adds: 'allow' },
  HttpResponseBadRequest: { code: 400 },
  HttpResponseNotFound: { code: 404 },
  HttpResponseGone: { code: 410 },
  HttpResponseServerError: { code: 500 },
  HttpResponseRedirect: { code: 302 },
  HttpResponsePermanentRedirect: { code: 301 },
  HttpResponseNotModified: { code: 304 },
  Http404: { code: 404 },
  PermissionDenied: { code: 403 },
  NotAuthenticated: { code: 401, adds: 'www-authenticate' },
  AuthenticationFailed: { code: 401, adds: 'www-authenticate' },
  Throttled: { code: 429, adds: 'retry-after' },
  Unauthorized: { code: 401, addsWithArgs: 'www-authenticate' },
  Forbidden: { code: 403 },
  NotFound: { code: 404 },
  MethodNotAllowed: { code: 405, addsWithArgs: 'allow' },
  TooManyRequests: { code: 429, addsWithArgs: 'retry-after' },
  BadRequest: { code: 400 },
  Gone: { code: 410 },
  UnprocessableEntity: { code: 422 },
};

/** How to turn one class into the class of another code, where the same library has one. */
function classRespell(name: string, code: number, drf: boolean): string | undefined {
  const drfNames: Record<number, string> = { 401: 'NotAuthenticated', 403: 'PermissionDenied', 404: 'NotFound', 405: 'MethodNotAllowed', 429: 'Throttled' };
  if (drf && ['PermissionDenied', 'NotAuthenticated', 'AuthenticationFailed', 'NotFound', 'Throttled'].includes(name)) return drfNames[code];
  if (['Unauthorized', 'Forbidden', 'NotFound', 'MethodNotAllowed', 'TooManyRequests', 'BadRequest', 'Gone'].includes(name)) return spellName(code, 'PascalCase');
  return undefined;
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '\\"')}"`;
}

export function extractPython(root: Node, text: string): Extracted {
  const { add, addSite, addToken, done } = collector(dialect);
  const flask = /^\s*(?:from|import)\s+(?:flask|quart)\b/m.test(text);
  const drf = /\brest_framework\b/.test(text);

  visit(root, {
    call,
    raise_statement: raise,
    assignment: assign,
    attribute: constant,
    identifier: constant,
    ...(flask ? { return_statement: tupleReturn } : {}),
  });

  /** Constants anywhere get a hover; `status.HTTP_403_FORBIDDEN` is an attribute holding an identifier, once. */
  function constant(n: Node) {
    // (The cheap name test comes first: asking a node for its parent is not cheap.)
    if (n.type === 'identifier' && (!n.text.startsWith('HTTP_') || n.parent?.type === 'attribute')) return;
    if (n.type === 'attribute' && !/^(HTTP_|[A-Z_]+$|value$)/.test(n.childForFieldName('attribute')?.text ?? '')) return;
    const token = constantToken(n);
    if (token) addToken(token.code, n);
  }

  /** `raise PermissionDenied`: a status class raised bare. */
  function raise(n: Node) {
    const raised = kids(n)[0];
    if (raised && (raised.type === 'identifier' || raised.type === 'attribute')) named(raised, raised, []);
  }

  /** A class that is a status by its name, called or raised bare. */
  function named(fn: Node, producer: Node, callArgs: Node[], argumentList?: Node) {
    const nameNode = fn.type === 'attribute' ? fn.childForFieldName('attribute') : fn;
    if (!nameNode) return false;
    // Own keys only: `constructor` or `toString` in the code are not status classes.
    const entry = Object.hasOwn(CLASSES, nameNode.text) ? CLASSES[nameNode.text] : undefined;
    if (!entry) return false;
    const adds: TrackedHeader[] = [];
    if (entry.adds && (entry.code !== 405 || nameNode.text === 'HttpResponseNotAllowed' || drf)) adds.push(entry.adds);
    if (entry.addsWithArgs && callArgs.length > 0) adds.push(entry.addsWithArgs);
    const name = nameNode.text;
    const respell = (code: number): OffsetEdit[] | undefined => {
      const other = classRespell(name, code, drf);
      if (other) return [{ start: nameNode.startIndex, end: nameNode.endIndex, newText: other }];
      // Django has no HttpResponseUnauthorized: `HttpResponseForbidden(x)` → `HttpResponse(x, status=401)`.
      if (name.startsWith('HttpResponse') && argumentList) {
        const last = callArgs[callArgs.length - 1];
        const insert = last
          ? { start: last.endIndex, end: last.endIndex, newText: `, status=${code}` }
          : { start: argumentList.startIndex + 1, end: argumentList.startIndex + 1, newText: `status=${code}` };
        return [{ start: nameNode.startIndex, end: nameNode.endIndex, newText: 'HttpResponse' }, insert];
      }
      return undefined;
    };
    addSite(nameNode, entry.code, name, { anchor: producer, addsHeaders: adds, respell, headerEdit: argumentList ? kwargHeaders(argumentList, callArgs) : undefined });
    return true;
  }

  /** `headers={...}` as a keyword argument, merged into an existing one. */
  function kwargHeaders(argumentList: Node, callArgs: Node[]) {
    return (name: string, value: string): OffsetEdit[] | undefined => {
      const existing = callArgs.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'headers');
      if (existing) {
        const dict = existing.childForFieldName('value');
        return dict?.type === 'dictionary' ? insertFirst(dict, `${quote(name)}: ${quote(value)}`, '{', '}') : undefined;
      }
      const last = callArgs[callArgs.length - 1];
      if (!last) return [{ start: argumentList.startIndex + 1, end: argumentList.startIndex + 1, newText: `headers={${quote(name)}: ${quote(value)}}` }];
      return [{ start: last.endIndex, end: last.endIndex, newText: `, headers={${quote(name)}: ${quote(value)}}` }];
    };
  }

  function call(n: Node) {
    const fn = n.childForFieldName('function');
    const argumentList = n.childForFieldName('arguments');
    if (!fn || !argumentList || argumentList.type !== 'argument_list') return;
    const callArgs = kids(argumentList);
    const positional = callArgs.filter((a) => a.type !== 'keyword_argument' && a.type !== 'dictionary_splat' && a.type !== 'list_splat');
    const kw = (name: string) => callArgs.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value');
    const name = names(fn).pop() ?? '';
    if (name === 'abort') {
      // werkzeug passes abort()'s keywords to the exception, which turns them into headers.
      const adds: TrackedHeader[] = [];
      if (kw('valid_methods')) adds.push('allow');
      if (kw('retry_after')) adds.push('retry-after');
      if (kw('www_authenticate')) adds.push('www-authenticate');
      const last = callArgs[callArgs.length - 1];
      const headerEdit = (h: string, v: string): OffsetEdit[] | undefined => {
        if (!last) return undefined;
        if (h === 'Allow') return [{ start: last.endIndex, end: last.endIndex, newText: `, valid_methods=[${v.split(/,\s*/).map(quote).join(', ')}]` }];
        if (h === 'Retry-After' && /^\d+$/.test(v)) return [{ start: last.endIndex, end: last.endIndex, newText: `, retry_after=${v}` }];
        return undefined;
      };
      add(statusValues(positional[0] ?? kw('code')), 'abort()', { anchor: n, addsHeaders: adds, headerEdit });
      return;
    }
    if (name === 'make_response') {
      const status = positional[1];
      const headerEdit = (h: string, v: string): OffsetEdit[] | undefined =>
        status && positional.length === 2 ? [{ start: status.endIndex, end: status.endIndex, newText: `, {${quote(h)}: ${quote(v)}}` }] : undefined;
      add(statusValues(status), 'make_response()', { anchor: n, headerEdit });
      return;
    }
    if (named(fn, n, callArgs, argumentList)) return;
    // `status=`/`status_code=` make a status only on responses, exceptions and route decorators
    // (`@app.post("/", status_code=201)`), not in `assertContains(r, "x", status_code=401)` or `Mock(status_code=200)`.
    const responseLike = /Response$|Exception$|Error$|^HTTPException$/.test(name);
    const decorator = n.parent?.type === 'decorator' && /^(get|post|put|patch|delete|head|options|route|api_route|websocket)$/.test(name);
    if (!responseLike && !decorator) return;
    const keyword = kw('status_code') ?? kw('status');
    const headerEdit = responseLike ? kwargHeaders(argumentList, callArgs) : undefined;
    if (keyword) {
      add(statusValues(keyword), `${name}()`, { anchor: n, headerEdit });
      return;
    }
    // Positional: `HTTPException(403, ...)`, `Response(body, 401)` (Flask, Starlette).
    if (name === 'HTTPException' || name === 'WebSocketException') add(statusValues(positional[0]), `${name}()`, { anchor: n, headerEdit });
    else if (/Response$/.test(name) && !name.startsWith('HttpResponse')) add(statusValues(positional[1]), `${name}()`, { anchor: n, headerEdit });
  }

  /** Flask's `return body, 403` and `return body, 403, headers`. */
  function tupleReturn(n: Node) {
    let value = kids(n)[0];
    if (!value) return;
    if (value.type === 'parenthesized_expression') value = kids(value)[0];
    if (!value || (value.type !== 'expression_list' && value.type !== 'tuple')) return;
    const items = kids(value);
    if (items.length < 2 || items.length > 3) return;
    const status = items[1]!;
    const headerEdit = (h: string, v: string): OffsetEdit[] | undefined => {
      if (items.length === 2) return [{ start: status.endIndex, end: status.endIndex, newText: `, {${quote(h)}: ${quote(v)}}` }];
      const dict = items[2]!;
      return dict.type === 'dictionary' ? insertFirst(dict, `${quote(h)}: ${quote(v)}`, '{', '}') : undefined;
    };
    add(statusValues(status), 'return body, status', { anchor: n, headerEdit });
  }

  /** `response.status_code = 403` (Django, Flask, Starlette response objects). */
  function assign(n: Node) {
    const left = n.childForFieldName('left');
    if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== 'status_code') return;
    const object = left.childForFieldName('object')!;
    // A response object, not a mock's (`mock_post.return_value.status_code = 429` in tests).
    if (!/^(response|resp|res|rv|r|http_response)$/i.test(names(object).pop() ?? '')) return;
    const statement = n.parent?.type === 'expression_statement' && n.parent.parent?.type === 'block' ? n.parent : undefined;
    const headerEdit = (h: string, v: string) => (statement ? insertStatementBefore(text, statement, `${object.text}.headers[${quote(h)}] = ${quote(v)}`) : undefined);
    add(statusValues(n.childForFieldName('right')), 'status_code =', { anchor: n, headerEdit });
  }

  return done();
}

export const PY_STRING_TYPES = ['string'];
