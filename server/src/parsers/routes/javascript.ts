/**
 * JavaScript and TypeScript (one extractor for the javascript, typescript and tsx grammars, whose
 * expression nodes are the same): Express, Fastify, Koa, Next.js, NestJS, http-errors, Boom,
 * http-status-codes and Node's own http module.
 */
import type { Node } from 'web-tree-sitter';
import type { OffsetEdit } from '../../types';
import type { Condition, Guard, TrackedHeader } from './model';
import { codeForName, spellName } from './statusNames';
import { nestedIfExitGuards, rightOperandGuards, switchMethodGuards, twoWayGuards, type NestedIfGrammar } from './branchGuards';
import {
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
  statementAround,
  stringValue,
  tokens,
  truthOf,
  unwrapper,
  visit,
  type ComparisonSyntax,
  type Dialect,
  type Extracted,
  type Place,
  type StatusValue,
} from './syntax';

export const HANDLERS = new Set([
  'function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition',
  'generator_function_declaration', 'generator_function',
]);

/** Wrappers that do not change a value: `(x)`, `x as T`, `x!`, `await x`, `<T>x`. */
const unwrap = unwrapper(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion', 'await_expression']);

/** `req.session.user` → [req, session, user]; `req.headers['authorization']` → [req, headers, authorization]. */
function names(node: Node | null): string[] {
  if (!node) return [];
  const n = unwrap(node);
  switch (n.type) {
    case 'identifier':
    case 'property_identifier':
    case 'private_property_identifier':
    case 'shorthand_property_identifier':
      return [n.text];
    case 'this':
      return ['this'];
    case 'member_expression':
      return [...names(n.childForFieldName('object')), n.childForFieldName('property')?.text ?? ''];
    case 'subscript_expression': {
      const index = n.childForFieldName('index');
      const key = index && index.type === 'string' ? stringValue(index) : undefined;
      return key !== undefined ? [...names(n.childForFieldName('object')), key] : names(n.childForFieldName('object'));
    }
    case 'call_expression':
      return names(n.childForFieldName('function'));
    default:
      return [];
  }
}

function isLiteralAbsent(n: Node): boolean {
  if (n.type === 'null' || n.type === 'undefined' || n.type === 'false') return true;
  if (n.type === 'identifier' && n.text === 'undefined') return true;
  return n.type === 'string' && stringValue(n) === '';
}

function stringLiteral(n: Node): string | undefined {
  return n.type === 'string' ? stringValue(n) : undefined;
}

/** What a JS condition tests, reduced to the model's vocabulary. */
export function condition(node: Node): Condition {
  const n = unwrap(node);
  switch (n.type) {
    case 'unary_expression':
      return tokens(n).includes('!') ? { kind: 'not', arg: condition(n.childForFieldName('argument')!) } : { kind: 'other' };
    case 'binary_expression':
      return binaryCondition(n, n.childForFieldName('operator')?.type ?? tokens(n)[0] ?? '', COMPARISON, condition);
    case 'call_expression':
    case 'identifier':
    case 'member_expression':
    case 'subscript_expression':
      return truthOf(names(n));
    default:
      return { kind: 'other' };
  }
}

const COMPARISON: ComparisonSyntax = { names, isAbsent: isLiteralAbsent, stringOf: stringLiteral, unwrap, equal: ['==', '==='], unequal: ['!=', '!=='] };

/** Whether a statement always leaves the function (return, throw, or an if whose branches all do). */
function exits(statement: Node | null | undefined): boolean {
  if (!statement) return false;
  switch (statement.type) {
    case 'return_statement':
    case 'throw_statement':
      return true;
    case 'statement_block':
      return exits(kids(statement).pop());
    case 'if_statement': {
      const alternative = statement.childForFieldName('alternative');
      return exits(statement.childForFieldName('consequence')) && !!alternative && exits(kids(alternative)[0]);
    }
    default:
      return false;
  }
}

// `else if` is an else clause holding the next if.
const IF_CHAIN: NestedIfGrammar = { ifTypes: new Set(['if_statement']), consequenceField: 'consequence', nextIf: (alternative) => kids(alternative)[0] };

const dialect: Dialect = {
  handlerTypes: HANDLERS,
  // express-rate-limit sets Retry-After itself before it calls the `handler` option.
  headersInside: (place) => (isRateLimitHandler(place) ? ['retry-after'] : []),
  exitGuards: (statement) => nestedIfExitGuards(statement, IF_CHAIN, exits, condition),
  guardsAt(parent, child): Guard[] {
    switch (parent.type) {
      case 'if_statement':
      case 'ternary_expression':
        return twoWayGuards(parent, child, condition);
      case 'binary_expression':
        return rightOperandGuards(parent, child, logicalKind(parent.childForFieldName('operator')?.type), condition);
      case 'switch_case':
      case 'switch_default':
        return switchGuard(parent);
      default:
        return [];
    }
  },
};

/** `switch (req.method) { case 'GET': ...; default: ... }`: the cases are method tests. */
function switchGuard(clause: Node): Guard[] {
  const statement = clause.parent?.parent;
  if (!statement || statement.type !== 'switch_statement') return [];
  const methodsOf = (c: Node) => {
    const v = c.childForFieldName('value');
    const method = httpMethod(v ? stringLiteral(v) : undefined);
    return method ? [method] : [];
  };
  return switchMethodGuards(clause, statement.childForFieldName('value'), 'switch_case', methodsOf, names);
}

// ---- Status values ----------------------------------------------------------------------

/** Enums of status names: NestJS HttpStatus, http-status-codes StatusCodes, axios HttpStatusCode. */
const STATUS_ENUMS = new Set(['HttpStatus', 'StatusCodes', 'HttpStatusCode', 'HTTP_STATUS', 'HttpStatusCodes', 'STATUS_CODES']);

/** The statuses an expression stands for (two for `cond ? 403 : 401`). */
function statusValues(node: Node | null | undefined): StatusValue[] {
  if (!node) return [];
  const n = unwrap(node);
  if (n.type === 'number') return numberStatus(n);
  if (n.type === 'member_expression') {
    const token = enumToken(n);
    return token ? [{ code: token.code, node: n, respell: token.respell }] : [];
  }
  if (n.type === 'ternary_expression') {
    const cond = n.childForFieldName('condition');
    if (!cond) return [];
    return chosenStatuses(condition(cond), statusValues(n.childForFieldName('consequence')), statusValues(n.childForFieldName('alternative')));
  }
  return [];
}

/** `HttpStatus.FORBIDDEN`, `StatusCodes.UNAUTHORIZED`, `HttpStatusCode.Forbidden`. */
function enumToken(n: Node): { code: number; respell: (code: number) => OffsetEdit[] | undefined } | undefined {
  const object = n.childForFieldName('object');
  const property = n.childForFieldName('property');
  if (!object || !property) return undefined;
  const enumName = object.type === 'member_expression' ? object.childForFieldName('property')?.text : object.text;
  if (!enumName || !STATUS_ENUMS.has(enumName)) return undefined;
  const code = codeForName(property.text);
  if (!code) return undefined;
  const style = property.text === property.text.toUpperCase() ? 'UPPER_SNAKE' : 'PascalCase';
  return { code, respell: replaceWith(property.startIndex, property.endIndex, (c) => spellName(c, style)) };
}

function args(call: Node): Node[] {
  return kids(call.childForFieldName('arguments'));
}

/** The value of `key:` in an object literal. */
function property(object: Node | undefined, key: string): Node | undefined {
  if (!object || object.type !== 'object') return undefined;
  for (const pair of kids(object)) {
    if (pair.type !== 'pair') continue;
    const k = pair.childForFieldName('key');
    const name = k?.type === 'string' ? stringValue(k) : k?.text;
    if (name === key) return pair.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** Inserts `entry` as the first property of an object literal. */
function insertIntoObject(object: Node, entry: string): OffsetEdit[] {
  return insertFirst(object, entry, '{ ', ' }');
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "\\'")}'`;
}

/** Headers through the ResponseInit object of `new Response(body, init)`, `NextResponse.json(x, init)`. */
function initHeaderEdit(init: Node): (name: string, value: string) => OffsetEdit[] | undefined {
  return (name, value) => {
    const headers = property(init, 'headers');
    if (headers?.type === 'object') return insertIntoObject(headers, `${quote(name)}: ${quote(value)}`);
    if (headers) return undefined;
    return insertIntoObject(init, `headers: { ${quote(name)}: ${quote(value)} }`);
  };
}

/** The statement that holds `node`, when it sits directly in a block (safe to add a line before). */
function blockStatement(node: Node): Node | undefined {
  const found = statementAround(node, (n) => n.type === 'expression_statement' || n.type === 'return_statement' || n.type === 'throw_statement', HANDLERS);
  if (!found?.parent || !['statement_block', 'program', 'switch_case', 'switch_default'].includes(found.parent.type)) return undefined;
  return found.statement;
}

/** Whether a node is the `handler` option of `rateLimit({...})` (express-rate-limit). */
function isRateLimitHandler(place: Place): boolean {
  const n = place.node;
  if (n.type !== 'pair' || !/^(handler|onLimitReached)$/.test(n.childForFieldName('key')?.text ?? '')) return false;
  // pair → object → arguments → call
  const call = place.up?.up?.up?.node;
  return call?.type === 'call_expression' && /^(rateLimit|RateLimit|slowDown|expressRateLimit|limiter)$/.test(names(call.childForFieldName('function')).pop() ?? '');
}

// ---- Producers --------------------------------------------------------------------------

export function extractJavaScript(root: Node, text: string): Extracted {
  const { add, addSite, addToken, done } = collector(dialect);
  const nest = text.includes('@nestjs/');

  // Status enums are rare; without their names in the text, member expressions need no visit.
  const enums = [...STATUS_ENUMS].some((e) => text.includes(`${e}.`));
  visit(root, {
    call_expression: call,
    new_expression: construct,
    assignment_expression: assign,
    ...(enums ? { member_expression: enumMember } : {}),
  });

  function enumMember(n: Node) {
    const token = enumToken(n);
    if (token) addToken(token.code, n);
  }

  function call(n: Node) {
    const fn = unwrap(n.childForFieldName('function')!);
    const a = args(n);
    if (fn.type === 'identifier') {
      if (/^(createError|createHttpError|httpErrors|HttpError)$/.test(fn.text)) add(statusValues(a[0]), `${fn.text}()`);
      else if (fn.text === 'HttpCode') add(statusValues(a[0]), '@HttpCode()');
      return;
    }
    if (fn.type !== 'member_expression') return;
    const object = fn.childForFieldName('object')!;
    const prop = fn.childForFieldName('property')?.text ?? '';
    const receiver = object.text;
    // `res.status(401)` → `res.setHeader('WWW-Authenticate', 'Bearer').status(401)`: both chain.
    // Fastify's reply says `header`. Asked only for a fix: a receiver can be a long chain of calls.
    const chainHeader = (name: string, value: string): OffsetEdit[] => [
      { start: object.endIndex, end: object.endIndex, newText: `.${/reply/i.test(receiver) ? 'header' : 'setHeader'}(${quote(name)}, ${quote(value)})` },
    ];
    switch (prop) {
      case 'status':
      case 'sendStatus':
        add(statusValues(a[0]), `${prop}()`, { anchor: n, headerEdit: chainHeader });
        return;
      case 'code':
        if (/^(reply|res|response|rep)$/i.test(names(object).pop() ?? '')) add(statusValues(a[0]), 'reply.code()', { anchor: n, headerEdit: chainHeader });
        return;
      case 'writeHead':
        add(statusValues(a[0]), 'writeHead()', { anchor: n, headerEdit: writeHeadHeaders(a) });
        return;
      case 'redirect': {
        const first = statusValues(a[0]);
        if (first.length) add(first, 'redirect()', { anchor: n });
        else if (a[1]?.type === 'object') add(statusValues(property(a[1], 'status')), 'redirect()', { anchor: n, headerEdit: initHeaderEdit(a[1]) });
        else add(statusValues(a[1]), 'redirect()', { anchor: n });
        return;
      }
      case 'throw':
        if (/^(ctx|context|this)$/.test(receiver)) add(statusValues(a[0]), 'ctx.throw()', { anchor: n });
        return;
      case 'assert':
        // Koa: `ctx.assert(value, status)` throws the status when the value is falsy.
        if (/^(ctx|context|this)$/.test(receiver) && a[0]) {
          add(statusValues(a[1]), 'ctx.assert()', { anchor: n, extraGuards: [{ condition: condition(a[0]), holds: false }] });
        }
        return;
    }
    if (/^(NextResponse|Response)$/.test(receiver)) {
      // `NextResponse.json(body, { status: 401 })`, `Response.json(...)`.
      const init = a.find((x) => x.type === 'object' && property(x, 'status'));
      if (init) add(statusValues(property(init, 'status')), `${receiver}.${prop}()`, { anchor: n, headerEdit: initHeaderEdit(init) });
      return;
    }
    const p = fn.childForFieldName('property')!;
    if (/^(Boom|boom)$/.test(receiver)) {
      const code = codeForName(prop);
      if (!code) return;
      const adds: TrackedHeader[] = [];
      // Boom adds the challenge when given a scheme, and Allow when given the methods.
      if (prop === 'unauthorized' && a.length >= 2) adds.push('www-authenticate');
      if (prop === 'methodNotAllowed' && a.length >= 3) adds.push('allow');
      const camel = (c: number) => {
        const pascal = spellName(c, 'PascalCase');
        return pascal && pascal[0]!.toLowerCase() + pascal.slice(1);
      };
      addSite(p, code, `Boom.${prop}()`, { anchor: n, addsHeaders: adds, respell: replaceWith(p.startIndex, p.endIndex, camel) });
      return;
    }
    if (/^(createError|createHttpError|httpErrors|HttpErrors)$/.test(receiver)) errorClass(p, n);
  }

  /** `createError.Forbidden()` / `new createError.Unauthorized()` (http-errors). */
  function errorClass(p: Node, producer: Node) {
    const code = codeForName(p.text);
    if (!code) return;
    addSite(p, code, `createError.${p.text}`, { anchor: producer, respell: replaceWith(p.startIndex, p.endIndex, (c) => spellName(c, 'PascalCase')) });
  }

  function construct(n: Node) {
    const ctor = n.childForFieldName('constructor');
    if (!ctor) return;
    const a = args(n);
    if (ctor.type === 'member_expression') {
      const p = ctor.childForFieldName('property');
      if (p && /^(createError|createHttpError|httpErrors|HttpErrors)$/.test(ctor.childForFieldName('object')?.text ?? '')) errorClass(p, n);
      return;
    }
    const name = ctor.text;
    if (name === 'Response' || name === 'NextResponse') {
      const init = a[1];
      if (init?.type === 'object') add(statusValues(property(init, 'status')), `new ${name}()`, { anchor: n, headerEdit: initHeaderEdit(init) });
      return;
    }
    if (name === 'HttpException' || name === 'HttpError') {
      add(statusValues(a[1] ?? a[0]), `new ${name}()`, { anchor: n });
      return;
    }
    const exception = /^(\w+)Exception$/.exec(name);
    if (nest && exception) {
      const code = codeForName(exception[1]!);
      if (!code) return;
      const respell = replaceWith(ctor.startIndex, ctor.endIndex, (c) => {
        const pascal = spellName(c, 'PascalCase');
        return pascal && `${pascal}Exception`;
      });
      addSite(ctor, code, `new ${name}()`, { anchor: n, respell });
    }
  }

  function assign(n: Node) {
    const left = n.childForFieldName('left');
    if (left?.type !== 'member_expression') return;
    const prop = left.childForFieldName('property')?.text;
    const object = left.childForFieldName('object')!;
    const koa = prop === 'status' && /^(ctx|context|this|ctx\.response|this\.response|context\.response)$/.test(object.text);
    if (!koa && prop !== 'statusCode') return;
    const headerEdit = (name: string, value: string) => {
      const statement = blockStatement(n);
      return statement ? insertStatementBefore(text, statement, `${object.text}.${koa ? 'set' : 'setHeader'}(${quote(name)}, ${quote(value)});`) : undefined;
    };
    add(statusValues(n.childForFieldName('right')), koa ? 'ctx.status =' : 'res.statusCode =', { anchor: n, headerEdit });
  }

  /** `res.writeHead(401)` → `res.writeHead(401, { 'WWW-Authenticate': 'Bearer' })`. */
  function writeHeadHeaders(a: Node[]) {
    return (name: string, value: string): OffsetEdit[] | undefined => {
      const headers = a.slice(1).find((x) => x.type === 'object');
      if (headers) return insertIntoObject(headers, `${quote(name)}: ${quote(value)}`);
      if (a.length === 1) return [{ start: a[0]!.endIndex, end: a[0]!.endIndex, newText: `, { ${quote(name)}: ${quote(value)} }` }];
      return undefined;
    };
  }

  return done();
}

/** String literal node types whose value may name a header. */
export const JS_STRING_TYPES = ['string', 'template_string', 'property_identifier'];
