/**
 * Ruby: Rails controllers (head, render/redirect_to status:, response.status, the HTTP
 * authentication helpers) and Sinatra (halt, status, error).
 */
import type { Node } from 'web-tree-sitter';
import type { Condition, Guard } from './model';
import { codeForName, spellName } from './statusNames';
import { nestedIfExitGuards, twoWayGuards, type NestedIfGrammar } from './branchGuards';
import {
  absenceOf,
  binaryCondition,
  collector,
  fieldOf,
  insertStatementBefore,
  kids,
  numberStatus,
  replaceWith,
  stringValue,
  tokens,
  truthOf,
  unwrapper,
  visit,
  type ComparisonSyntax,
  type Dialect,
  type Extracted,
  type StatusValue,
} from './syntax';

export const HANDLERS = new Set(['method', 'singleton_method', 'block', 'do_block', 'lambda']);

const unwrap = unwrapper(['parenthesized_statements', 'parenthesized_expression']);

function symbolName(n: Node): string | undefined {
  if (n.type === 'simple_symbol') return n.text.slice(1);
  if (n.type === 'hash_key_symbol') return n.text;
  return undefined;
}

/** `current_user.admin?` → [current_user, admin?]; `session[:user_id]` → [session, user_id]; `@user` → [user]. */
function names(node: Node | null | undefined): string[] {
  if (!node) return [];
  const n = unwrap(node);
  switch (n.type) {
    case 'identifier':
    case 'constant':
      return [n.text];
    case 'instance_variable':
      return [n.text.replace(/^@+/, '')];
    case 'call': {
      const method = n.childForFieldName('method')?.text ?? '';
      return [...names(n.childForFieldName('receiver')), method];
    }
    case 'element_reference': {
      const [object, index] = kids(n);
      const key = index ? (symbolName(index) ?? (index.type === 'string' ? stringValue(index) : undefined)) : undefined;
      return key !== undefined ? [...names(object), key] : names(object);
    }
    case 'scope_resolution':
      return [...names(n.childForFieldName('scope')), n.childForFieldName('name')?.text ?? ''];
    default:
      return [];
  }
}

function isAbsentLiteral(n: Node): boolean {
  return n.type === 'nil' || n.type === 'false' || (n.type === 'string' && stringValue(n) === '');
}

const METHOD_PREDICATES: Record<string, string> = { 'get?': 'GET', 'post?': 'POST', 'put?': 'PUT', 'patch?': 'PATCH', 'delete?': 'DELETE', 'head?': 'HEAD' };

export function condition(node: Node): Condition {
  const n = unwrap(node);
  switch (n.type) {
    case 'unary': {
      const op = tokens(n)[0];
      return op === '!' || op === 'not' ? { kind: 'not', arg: condition(n.childForFieldName('operand') ?? kids(n)[0]!) } : { kind: 'other' };
    }
    case 'binary':
      return binaryCondition(n, n.childForFieldName('operator')?.type ?? tokens(n)[0] ?? '', COMPARISON, condition);
    case 'call': {
      const method = n.childForFieldName('method')?.text ?? '';
      const receiver = n.childForFieldName('receiver');
      if (receiver && /^(nil\?|blank\?|empty\?)$/.test(method)) return absenceOf(names(receiver));
      if (receiver && method === 'present?') return truthOf(names(receiver));
      if (receiver && Object.hasOwn(METHOD_PREDICATES, method) && /request$/.test(names(receiver).pop() ?? '')) return { kind: 'method', methods: [METHOD_PREDICATES[method]!] };
      return truthOf(names(n));
    }
    case 'identifier':
    case 'constant':
    case 'instance_variable':
    case 'element_reference':
      return truthOf(names(n));
    default:
      return { kind: 'other' };
  }
}

const COMPARISON: ComparisonSyntax = {
  names,
  isAbsent: isAbsentLiteral,
  stringOf: (n) => (n.type === 'string' ? stringValue(n) : symbolName(n)),
  unwrap,
  equal: ['=='],
  unequal: ['!='],
};

/** Whether a statement leaves the method: `return`, `raise`, `redirect_to ... and return`. */
function exits(statement: Node | null | undefined): boolean {
  if (!statement) return false;
  if (statement.type === 'then' || statement.type === 'body_statement') return exits(kids(statement).pop());
  if (statement.type === 'return') return true;
  if (statement.type === 'call' && !statement.childForFieldName('receiver') && statement.childForFieldName('method')?.text === 'raise') return true;
  if (statement.type === 'binary' && /^(and|&&)$/.test(statement.childForFieldName('operator')?.type ?? '')) return exits(statement.childForFieldName('right'));
  return false;
}

// `elsif` is its own node in the alternative, with the if's fields.
const IF_CHAIN: NestedIfGrammar = { ifTypes: new Set(['if', 'elsif']), consequenceField: 'consequence', nextIf: (alternative) => alternative };

const dialect: Dialect = {
  handlerTypes: HANDLERS,
  exitGuards(statement) {
    if (!/^(if|unless|if_modifier|unless_modifier)$/.test(statement.type)) return [];
    const cond = statement.childForFieldName('condition');
    if (!cond) return [];
    switch (statement.type) {
      case 'if_modifier':
      case 'unless_modifier':
        return exits(statement.childForFieldName('body')) ? [{ condition: condition(cond), holds: statement.type === 'unless_modifier' }] : [];
      case 'unless':
        return exits(statement.childForFieldName('consequence')) ? [{ condition: condition(cond), holds: true }] : [];
      case 'if':
        return nestedIfExitGuards(statement, IF_CHAIN, exits, condition);
      default:
        return [];
    }
  },
  guardsAt(parent, child): Guard[] {
    switch (parent.type) {
      case 'if':
      case 'elsif':
      case 'conditional':
        return twoWayGuards(parent, child, condition);
      case 'unless':
        // The consequence runs when the condition fails, the alternative when it holds.
        return twoWayGuards(parent, child, condition, 'alternative', 'consequence');
      case 'if_modifier':
      case 'unless_modifier': {
        const cond = parent.childForFieldName('condition');
        return cond && fieldOf(parent, child) === 'body' ? [{ condition: condition(cond), holds: parent.type === 'if_modifier' }] : [];
      }
      default:
        return [];
    }
  },
};

/** `403`, `:forbidden` (Rack's symbol for the reason phrase). */
function statusValue(node: Node | null | undefined): StatusValue | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'integer') return numberStatus(n)[0];
  if (n.type === 'simple_symbol') {
    const code = codeForName(n.text.slice(1));
    return code ? { code, node: n, respell: replaceWith(n.startIndex, n.endIndex, (c) => `:${spellName(c, 'snake_case')}`) } : undefined;
  }
  return undefined;
}

/** The pair `status: x` (or `:status => x`) among call arguments. */
function statusPair(argumentsNode: Node | null): Node | undefined {
  for (const a of kids(argumentsNode)) {
    const pairs = a.type === 'pair' ? [a] : a.type === 'hash' ? kids(a).filter((p) => p.type === 'pair') : [];
    for (const p of pairs) {
      const key = p.childForFieldName('key');
      if (key && symbolName(key) === 'status') return p.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** Statement-level nodes that sit directly in a body, where a line can go before them. */
const BODIES = new Set(['body_statement', 'then', 'else', 'program', 'block_body', 'begin', 'ensure', 'rescue', 'when']);

function statementOf(call: Node): Node | undefined {
  let n: Node = call;
  if (n.parent?.type === 'argument_list' && n.parent.parent?.type === 'return') n = n.parent.parent;
  return n.parent && BODIES.has(n.parent.type) ? n : undefined;
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '\\"')}"`;
}

/** Rails helpers that answer 401 with a challenge of their own. */
const CHALLENGE_HELPERS = new Set(['request_http_basic_authentication', 'request_http_token_authentication', 'request_http_digest_authentication']);

export function extractRuby(root: Node, text: string): Extracted {
  const { add, addSite, done } = collector(dialect);

  /** `response.headers[...] = ...` before a statement. */
  const headerBefore = (statement: Node, h: string, v: string) => insertStatementBefore(text, statement, `response.headers[${quote(h)}] = ${quote(v)}`);

  visit(root, { call, identifier: bareHelper, assignment: assign });

  /** `response.status = 403`, `self.status = :forbidden`. */
  function assign(n: Node) {
    const left = n.childForFieldName('left');
    if (left?.type !== 'call' || left.childForFieldName('method')?.text !== 'status' || !/^(response|self)$/.test(left.childForFieldName('receiver')?.text ?? '')) return;
    const statement = n.parent && BODIES.has(n.parent.type) ? n : undefined;
    add(statusValue(n.childForFieldName('right')), 'response.status =', { anchor: n, headerEdit: (h, v) => (statement ? headerBefore(statement, h, v) : undefined) });
  }

  /** A bare helper call without arguments parses as an identifier. */
  function bareHelper(n: Node) {
    if (CHALLENGE_HELPERS.has(n.text) && n.parent?.type !== 'call') addSite(n, 401, n.text, { addsHeaders: ['www-authenticate'] });
  }

  function call(n: Node) {
    const method = n.childForFieldName('method');
    const receiver = n.childForFieldName('receiver');
    const argumentsNode = n.childForFieldName('arguments');
    const a = kids(argumentsNode);
    const name = method?.text ?? '';
    if (CHALLENGE_HELPERS.has(name)) {
      addSite(method!, 401, name, { anchor: n, addsHeaders: ['www-authenticate'] });
      return;
    }
    const headerLine = (h: string, v: string) => {
      const statement = statementOf(n);
      return statement ? headerBefore(statement, h, v) : undefined;
    };
    if (!receiver && name === 'head' && a[0]) {
      // `head :unauthorized, "WWW-Authenticate" => "Bearer"`: head's options are headers.
      const last = a[a.length - 1]!;
      add(statusValue(a[0]), 'head', { anchor: n, headerEdit: (h, v) => [{ start: last.endIndex, end: last.endIndex, newText: `, ${quote(h)} => ${quote(v)}` }] });
      return;
    }
    if (!receiver && /^(halt|status|error)$/.test(name) && a[0]) {
      // Sinatra: `halt 403`, `status 401`, `error 403`.
      add(statusValue(a[0]), name, { anchor: n, headerEdit: headerLine });
      return;
    }
    const status = statusPair(argumentsNode);
    if (status) add(statusValue(status), `${name} status:`, { anchor: n, headerEdit: headerLine });
  }

  return done();
}

export const RUBY_STRING_TYPES = ['string'];
