/**
 * PHP: Laravel helpers and facades, Symfony HttpFoundation/HttpKernel, PSR-7, plain PHP.
 */
import type { Node } from 'web-tree-sitter';
import type { OffsetEdit } from '../../types';
import type { Condition, Guard, TrackedHeader } from './model';
import { codeForPrefixedName, spellName } from './statusNames';
import { ifChainExitGuards, ifChainGuards, rightOperandGuards, twoWayGuards, type IfChainGrammar } from './branchGuards';
import {
  absenceOf,
  binaryCondition,
  chosenStatuses,
  collector,
  httpMethod,
  insertFirst,
  insertStatementBefore,
  kids,
  logicalKind,
  numberStatus,
  replaceWith,
  tokens,
  truthOf,
  unwrapper,
  visit,
  type ComparisonSyntax,
  type Dialect,
  type Extracted,
  type StatusValue,
} from './syntax';

export const HANDLERS = new Set(['method_declaration', 'function_definition', 'anonymous_function', 'anonymous_function_creation_expression', 'arrow_function']);

const unwrap = unwrapper(['parenthesized_expression']);

function phpString(n: Node): string | undefined {
  if (n.type !== 'string' && n.type !== 'encapsed_string') return undefined;
  const parts = kids(n);
  if (parts.length === 0) return '';
  return parts.length === 1 && (parts[0]!.type === 'string_content' || parts[0]!.type === 'string_value') ? parts[0]!.text : undefined;
}

/** `$request->user()->role` → [request, user, role]; `Auth::check()` → [Auth, check]. */
function names(node: Node | null | undefined): string[] {
  if (!node) return [];
  const n = unwrap(node);
  switch (n.type) {
    case 'variable_name':
      return [n.text.replace(/^\$/, '')];
    case 'name':
    case 'qualified_name':
      return [n.text.split('\\').pop()!];
    case 'member_access_expression':
    case 'nullsafe_member_access_expression':
    case 'member_call_expression':
    case 'nullsafe_member_call_expression':
      return [...names(n.childForFieldName('object')), n.childForFieldName('name')?.text ?? ''];
    case 'scoped_call_expression':
    case 'scoped_property_access_expression':
      return [...names(n.childForFieldName('scope')), n.childForFieldName('name')?.text ?? ''];
    case 'function_call_expression':
      return names(n.childForFieldName('function'));
    case 'subscript_expression': {
      const [object, index] = kids(n);
      const key = index ? phpString(index) : undefined;
      return key !== undefined ? [...names(object), key] : names(object);
    }
    default:
      return [];
  }
}

function callArgs(n: Node): Node[] {
  // `new X(...)` has its arguments as an unnamed child.
  const list = n.childForFieldName('arguments') ?? kids(n).find((c) => c.type === 'arguments');
  return kids(list).map((a) => (a.type === 'argument' ? (kids(a)[0] ?? a) : a));
}

function isAbsentLiteral(n: Node): boolean {
  return n.type === 'null' || (n.type === 'boolean' && /^false$/i.test(n.text)) || phpString(n) === '';
}

export function condition(node: Node): Condition {
  const n = unwrap(node);
  switch (n.type) {
    case 'unary_op_expression':
      return tokens(n).includes('!') ? { kind: 'not', arg: condition(n.childForFieldName('argument') ?? kids(n)[0]!) } : { kind: 'other' };
    case 'binary_expression':
      return binaryCondition(n, (n.childForFieldName('operator')?.type ?? '').toLowerCase(), COMPARISON, condition);
    case 'function_call_expression': {
      const fn = names(n.childForFieldName('function')).pop();
      const a = callArgs(n);
      if ((fn === 'is_null' || fn === 'empty') && a[0]) return absenceOf(names(a[0]));
      if (fn === 'isset' && a[0]) return truthOf(names(a[0]));
      if (fn === 'in_array' && a.some((x) => truthOf(names(x)).kind === 'permission')) return { kind: 'permission' };
      return truthOf(names(n));
    }
    case 'member_call_expression':
    case 'nullsafe_member_call_expression': {
      // `$request->isMethod('post')`
      if (n.childForFieldName('name')?.text === 'isMethod') {
        const m = callArgs(n)[0];
        const method = m ? httpMethod(phpString(m)) : undefined;
        return method ? { kind: 'method', methods: [method] } : { kind: 'other' };
      }
      return truthOf(names(n));
    }
    case 'empty_expression':
    case 'isset_expression': {
      const inner = kids(n)[0];
      if (!inner) return { kind: 'other' };
      return n.type === 'empty_expression' ? absenceOf(names(inner)) : truthOf(names(inner));
    }
    case 'scoped_call_expression':
    case 'variable_name':
    case 'member_access_expression':
    case 'nullsafe_member_access_expression':
    case 'subscript_expression':
      return truthOf(names(n));
    default:
      return { kind: 'other' };
  }
}

const COMPARISON: ComparisonSyntax = { names, isAbsent: isAbsentLiteral, stringOf: phpString, unwrap, equal: ['==', '==='], unequal: ['!=', '!==', '<>'] };

/** Whether a statement always leaves the function: return, throw, abort(). */
function exits(statement: Node | null | undefined): boolean {
  if (!statement) return false;
  if (statement.type === 'compound_statement') return exits(kids(statement).pop());
  if (statement.type === 'return_statement') return true;
  if (statement.type !== 'expression_statement') return false;
  const e = kids(statement)[0];
  if (e?.type === 'throw_expression') return true;
  return e?.type === 'function_call_expression' && names(e.childForFieldName('function')).pop() === 'abort';
}

const IF_CHAIN: IfChainGrammar = { ifType: 'if_statement', elseIfType: 'else_if_clause', bodyField: 'body', alternativeField: 'alternative' };

const dialect: Dialect = {
  handlerTypes: HANDLERS,
  exitGuards: (statement) => ifChainExitGuards(statement, IF_CHAIN, exits, condition),
  guardsAt(parent, child): Guard[] {
    switch (parent.type) {
      case 'if_statement':
      case 'else_if_clause':
        return ifChainGuards(parent, child, IF_CHAIN, condition);
      case 'conditional_expression':
        return twoWayGuards(parent, child, condition, 'body', 'alternative');
      case 'binary_expression':
        return rightOperandGuards(parent, child, logicalKind((parent.childForFieldName('operator')?.type ?? '').toLowerCase()), condition);
      default:
        return [];
    }
  },
};

/** `Response::HTTP_FORBIDDEN`, `JsonResponse::HTTP_UNAUTHORIZED`. */
function constantToken(n: Node): { code: number; respell: (code: number) => OffsetEdit[] | undefined; name: Node } | undefined {
  if (n.type !== 'class_constant_access_expression') return undefined;
  const name = kids(n)[1];
  if (!name || !/^HTTP_[A-Z_]+$/.test(name.text)) return undefined;
  const code = codeForPrefixedName(name.text);
  if (!code) return undefined;
  return { code, name, respell: replaceWith(name.startIndex, name.endIndex, (c) => `HTTP_${spellName(c, 'UPPER_SNAKE')}`) };
}

function statusValues(node: Node | null | undefined): StatusValue[] {
  if (!node) return [];
  const n = unwrap(node);
  if (n.type === 'integer') return numberStatus(n);
  const token = constantToken(n);
  if (token) return [{ code: token.code, node: n, respell: token.respell }];
  if (n.type === 'conditional_expression') {
    const cond = n.childForFieldName('condition');
    if (!cond) return [];
    return chosenStatuses(condition(cond), statusValues(n.childForFieldName('body')), statusValues(n.childForFieldName('alternative')));
  }
  return [];
}

/** Exception classes that are a status (Symfony HttpKernel, Laravel). */
const EXCEPTIONS: Record<string, { code: number; adds?: TrackedHeader }> = {
  AccessDeniedHttpException: { code: 403 },
  AuthorizationException: { code: 403 },
  UnauthorizedHttpException: { code: 401, adds: 'www-authenticate' },
  TooManyRequestsHttpException: { code: 429, adds: 'retry-after' },
  ThrottleRequestsException: { code: 429 },
  MethodNotAllowedHttpException: { code: 405, adds: 'allow' },
  NotFoundHttpException: { code: 404 },
  BadRequestHttpException: { code: 400 },
  ConflictHttpException: { code: 409 },
  GoneHttpException: { code: 410 },
  UnprocessableEntityHttpException: { code: 422 },
  ServiceUnavailableHttpException: { code: 503 },
};

/** Response methods that take a status, and at which argument. */
const STATUS_ARGUMENT = new Map(Object.entries({ json: 1, jsonp: 2, make: 1, view: 2, noContent: 0, setStatusCode: 0, withStatus: 0, redirectTo: 1, redirectToRoute: 2, status: 0 }));

function quote(s: string): string {
  return `'${s.replace(/'/g, "\\'")}'`;
}

export function extractPhp(root: Node, text: string): Extracted {
  const { add, addSite, addToken, done } = collector(dialect);

  /** `->header('X', 'v')` after a call that returns a Laravel/Symfony response. */
  const chain = (call: Node, method = 'header') => (name: string, value: string): OffsetEdit[] => [
    { start: call.endIndex, end: call.endIndex, newText: `->${method}(${quote(name)}, ${quote(value)})` },
  ];

  /** Headers as the array argument at `index` of `abort()`-like helpers, padding the message argument. */
  const headersArg = (a: Node[], index: number) => (name: string, value: string): OffsetEdit[] | undefined => {
    const entry = `${quote(name)} => ${quote(value)}`;
    const existing = a[index];
    if (existing) return existing.type === 'array_creation_expression' ? insertFirst(existing, entry, '[', ']') : undefined;
    const last = a[a.length - 1];
    if (!last) return undefined;
    const padding = Array.from({ length: index - a.length }, () => "''").map((p) => `${p}, `).join('');
    return [{ start: last.endIndex, end: last.endIndex, newText: `, ${padding}[${entry}]` }];
  };

  visit(root, {
    function_call_expression: functionCall,
    member_call_expression: methodCall,
    nullsafe_member_call_expression: methodCall,
    scoped_call_expression: methodCall,
    object_creation_expression: construct,
    class_constant_access_expression: constant,
  });

  /** `Response::HTTP_FORBIDDEN` anywhere gets a hover. */
  function constant(n: Node) {
    const token = constantToken(n);
    if (token) addToken(token.code, n);
  }

  /** `abort(403)`, `abort_if($cond, 403)`, `response($body, 403)`, `http_response_code(403)`. */
  function functionCall(n: Node) {
    const fn = names(n.childForFieldName('function')).pop();
    const a = callArgs(n);
    if (fn === 'abort') add(statusValues(a[0]), 'abort()', { anchor: n, headerEdit: headersArg(a, 2) });
    else if ((fn === 'abort_if' || fn === 'abort_unless') && a[0]) {
      add(statusValues(a[1]), `${fn}()`, { anchor: n, headerEdit: headersArg(a, 3), extraGuards: [{ condition: condition(a[0]), holds: fn === 'abort_if' }] });
    } else if (fn === 'response') add(statusValues(a[1]), 'response()', { anchor: n, headerEdit: chain(n) });
    else if (fn === 'http_response_code') {
      const statement = n.parent?.type === 'expression_statement' ? n.parent : undefined;
      add(statusValues(a[0]), 'http_response_code()', { anchor: n, headerEdit: (h, v) => (statement ? insertStatementBefore(text, statement, `header(${quote(`${h}: ${v}`)});`) : undefined) });
    }
  }

  /** `response()->json($body, 403)`, `$response->setStatusCode(403)`, `Response::make($body, 403)`. */
  function methodCall(n: Node) {
    const method = n.childForFieldName('name')?.text;
    const index = method === undefined ? undefined : STATUS_ARGUMENT.get(method);
    if (index === undefined) return;
    // `->status(403)` is too common a name elsewhere: only right after `response()`.
    if (method === 'status' && !/^response\s*\(/.test(n.childForFieldName('object')?.text ?? '')) return;
    add(statusValues(callArgs(n)[index]), `${method}()`, { anchor: n, headerEdit: chain(n, method === 'withStatus' ? 'withHeader' : 'header') });
  }

  /** `new JsonResponse($body, 403)`, `new HttpException(403)`, `new AccessDeniedHttpException()`. */
  function construct(n: Node) {
    const classNode = kids(n).find((c) => c.type === 'name' || c.type === 'qualified_name');
    if (!classNode) return;
    const cls = classNode.text.split('\\').pop()!;
    const a = callArgs(n);
    if (/^(Json)?Response$|^RedirectResponse$/.test(cls)) {
      add(statusValues(a[1]), `new ${cls}()`, { anchor: n, headerEdit: headersArg(a, 2) });
      return;
    }
    if (cls === 'HttpException') {
      add(statusValues(a[0]), 'new HttpException()', { anchor: n });
      return;
    }
    // Own keys only: a class named `constructor` or `toString` is not a status exception.
    const entry = Object.hasOwn(EXCEPTIONS, cls) ? EXCEPTIONS[cls] : undefined;
    if (!entry) return;
    // Symfony sends Retry-After and Allow only when given them.
    const adds = entry.adds && (entry.code === 401 || a.length > 0) ? [entry.adds] : [];
    const argumentsNode = kids(n).find((c) => c.type === 'arguments');
    const respell = (code: number): OffsetEdit[] | undefined => {
      if (code !== 401 || cls !== 'AccessDeniedHttpException' || !argumentsNode) return undefined;
      // UnauthorizedHttpException takes the challenge first.
      return [
        { start: classNode.startIndex, end: classNode.endIndex, newText: 'UnauthorizedHttpException' },
        { start: argumentsNode.startIndex + 1, end: argumentsNode.startIndex + 1, newText: a.length ? "'Bearer', " : "'Bearer'" },
      ];
    };
    addSite(classNode, entry.code, `new ${cls}()`, { anchor: n, addsHeaders: adds, respell });
  }

  return done();
}

export const PHP_STRING_TYPES = ['string', 'encapsed_string'];
