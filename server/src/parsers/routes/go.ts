/**
 * Go: net/http (WriteHeader, http.Error, http.Redirect), gin, echo and fiber.
 */
import type { Node } from 'web-tree-sitter';
import type { Condition, Guard } from './model';
import { codeForName, codeForPrefixedName, spellName } from './statusNames';
import { nestedIfExitGuards, rightOperandGuards, switchMethodGuards, twoWayGuards, type NestedIfGrammar } from './branchGuards';
import {
  binaryCondition,
  collector,
  httpMethod,
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
  type StatusValue,
} from './syntax';

export const HANDLERS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

const unwrap = unwrapper(['parenthesized_expression']);

function goString(n: Node): string | undefined {
  return n.type === 'interpreted_string_literal' || n.type === 'raw_string_literal' ? stringValue(n) : undefined;
}

/** Accessors whose string argument is the name that matters: `r.Header.Get("Authorization")`. */
const ACCESSORS = new Set(['Get', 'GetHeader', 'Header', 'Query', 'Cookie', 'Locals', 'MustGet', 'Value', 'FormValue']);

function names(node: Node | null | undefined): string[] {
  if (!node) return [];
  const n = unwrap(node);
  switch (n.type) {
    case 'identifier':
    case 'field_identifier':
    case 'package_identifier':
      return [n.text];
    case 'selector_expression':
      return [...names(n.childForFieldName('operand')), n.childForFieldName('field')?.text ?? ''];
    case 'call_expression': {
      const fn = n.childForFieldName('function');
      const first = kids(n.childForFieldName('arguments'))[0];
      const key = first ? goString(first) : undefined;
      if (fn?.type === 'selector_expression' && ACCESSORS.has(fn.childForFieldName('field')?.text ?? '') && key !== undefined) {
        return [...names(fn.childForFieldName('operand')), key];
      }
      return names(fn);
    }
    case 'index_expression': {
      const key = n.childForFieldName('index');
      const s = key ? goString(key) : undefined;
      return s !== undefined ? [...names(n.childForFieldName('operand')), s] : names(n.childForFieldName('operand'));
    }
    default:
      return [];
  }
}

function methodName(n: Node): string | undefined {
  const s = goString(n);
  if (s !== undefined) return httpMethod(s);
  // `http.MethodPost`
  if (n.type === 'selector_expression') {
    const field = n.childForFieldName('field')?.text ?? '';
    const m = /^Method([A-Z][a-z]+)$/.exec(field);
    if (m) return httpMethod(m[1]);
  }
  return undefined;
}

export function condition(node: Node): Condition {
  const n = unwrap(node);
  switch (n.type) {
    case 'unary_expression':
      return tokens(n).includes('!') ? { kind: 'not', arg: condition(n.childForFieldName('operand')!) } : { kind: 'other' };
    case 'binary_expression':
      return binaryCondition(n, n.childForFieldName('operator')?.type ?? '', COMPARISON, condition);
    case 'call_expression':
    case 'identifier':
    case 'selector_expression':
    case 'index_expression':
      return truthOf(names(n));
    default:
      return { kind: 'other' };
  }
}

const COMPARISON: ComparisonSyntax = {
  names,
  isAbsent: (n) => n.type === 'nil' || n.type === 'false' || goString(n) === '',
  stringOf: goString,
  methodOf: methodName,
  unwrap,
  equal: ['=='],
  unequal: ['!='],
};

/** Whether a block always leaves the function: return or panic. */
function exits(block: Node | null | undefined): boolean {
  if (!block) return false;
  const list = kids(block).find((c) => c.type === 'statement_list') ?? block;
  const last = kids(list).pop();
  if (!last) return false;
  if (last.type === 'return_statement') return true;
  const call = last.type === 'expression_statement' ? kids(last)[0] : undefined;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.text === 'panic';
}

// `else if` puts the next if straight in the alternative.
const IF_CHAIN: NestedIfGrammar = { ifTypes: new Set(['if_statement']), consequenceField: 'consequence', nextIf: (alternative) => alternative };

const dialect: Dialect = {
  handlerTypes: HANDLERS,
  // fiber's limiter sets Retry-After itself before it calls the `LimitReached` handler.
  headersInside: ({ node }) => (node.type === 'keyed_element' && kids(node)[0]?.text === 'LimitReached' ? ['retry-after'] : []),
  exitGuards: (statement) => nestedIfExitGuards(statement, IF_CHAIN, exits, condition),
  guardsAt(parent, child): Guard[] {
    switch (parent.type) {
      case 'if_statement':
        return twoWayGuards(parent, child, condition);
      case 'binary_expression':
        return rightOperandGuards(parent, child, logicalKind(parent.childForFieldName('operator')?.type), condition);
      case 'expression_case':
      case 'default_case':
        return switchGuard(parent);
      default:
        return [];
    }
  },
};

function switchGuard(clause: Node): Guard[] {
  const statement = clause.parent;
  if (!statement || statement.type !== 'expression_switch_statement') return [];
  const methodsOf = (c: Node) => kids(c.childForFieldName('value')).map(methodName).filter((m): m is string => !!m);
  return switchMethodGuards(clause, statement.childForFieldName('value'), 'expression_case', methodsOf, names);
}

/** `http.StatusForbidden`, `fiber.StatusTooManyRequests`. */
function constantToken(n: Node): StatusValue | undefined {
  if (n.type !== 'selector_expression') return undefined;
  const field = n.childForFieldName('field');
  if (!field || !/^Status[A-Z]/.test(field.text)) return undefined;
  const code = codeForPrefixedName(field.text);
  if (!code) return undefined;
  return { code, node: n, respell: replaceWith(field.startIndex, field.endIndex, (c) => `Status${spellName(c, 'PascalCase')}`) };
}

function statusValue(node: Node | null | undefined): StatusValue | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'int_literal') return numberStatus(n)[0];
  return constantToken(n);
}

/** gin, echo and fiber context methods whose first argument is the status. */
const FIRST_ARG_STATUS = new Set([
  'AbortWithStatus', 'AbortWithStatusJSON', 'AbortWithError', 'JSON', 'IndentedJSON', 'SecureJSON', 'PureJSON', 'AsciiJSON', 'JSONP',
  'String', 'HTML', 'XML', 'YAML', 'TOML', 'ProtoBuf', 'Data', 'DataFromReader', 'Status', 'NoContent', 'Redirect', 'Blob', 'Stream',
  'JSONBlob', 'JSONPretty', 'XMLBlob', 'XMLPretty', 'Render', 'SendStatus', 'Attachment',
]);

function quote(s: string): string {
  return JSON.stringify(s);
}

export function extractGo(root: Node, text: string): Extracted {
  const { add, addSite, addToken, done } = collector(dialect);
  const framework = /"github\.com\/gin-gonic\/gin"/.test(text) ? 'gin' : /"github\.com\/labstack\/echo/.test(text) ? 'echo' : /"github\.com\/gofiber\/fiber/.test(text) ? 'fiber' : undefined;

  /** The statement holding the call, when it sits in a block (Go always has one). */
  const statementOf = (call: Node): Node | undefined => {
    const found = statementAround(call, (n) => n.type === 'expression_statement' || n.type === 'return_statement', HANDLERS);
    return found?.parent?.type === 'statement_list' ? found.statement : undefined;
  };
  const before = (call: Node, line: (h: string, v: string) => string) => (h: string, v: string) => {
    const statement = statementOf(call);
    return statement ? insertStatementBefore(text, statement, line(h, v)) : undefined;
  };

  visit(root, { call_expression: call, selector_expression: selector });

  /** `http.StatusForbidden` (a token), `echo.ErrUnauthorized` (see `errorValue`). */
  function selector(n: Node) {
    const token = constantToken(n);
    if (token) addToken(token.code, n);
    else errorValue(n);
  }

  function call(n: Node) {
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'selector_expression') return;
    const operand = fn.childForFieldName('operand')!;
    const field = fn.childForFieldName('field')?.text ?? '';
    const a = kids(n.childForFieldName('arguments'));
    const receiver = operand.text;
    if (field === 'WriteHeader') {
      add(statusValue(a[0]), 'WriteHeader()', { anchor: n, headerEdit: before(n, (h, v) => `${receiver}.Header().Set(${quote(h)}, ${quote(v)})`) });
    } else if (receiver === 'http' && field === 'Error') {
      const w = a[0]?.text;
      add(statusValue(a[2]), 'http.Error()', { anchor: n, headerEdit: w ? before(n, (h, v) => `${w}.Header().Set(${quote(h)}, ${quote(v)})`) : undefined });
    } else if (receiver === 'http' && field === 'Redirect') {
      add(statusValue(a[3]), 'http.Redirect()', { anchor: n });
    } else if ((field === 'NewHTTPError' || field === 'NewError') && /^(echo|fiber)$/.test(receiver)) {
      add(statusValue(a[0]), `${receiver}.${field}()`, { anchor: n });
    } else if (FIRST_ARG_STATUS.has(field)) {
      // fiber's Redirect takes the location first.
      const v = statusValue(a[0]) ?? (field === 'Redirect' ? statusValue(a[1]) : undefined);
      const line =
        framework === 'gin' ? (h: string, val: string) => `${receiver}.Header(${quote(h)}, ${quote(val)})`
        : framework === 'echo' ? (h: string, val: string) => `${receiver}.Response().Header().Set(${quote(h)}, ${quote(val)})`
        : framework === 'fiber' ? (h: string, val: string) => `${receiver}.Set(${quote(h)}, ${quote(val)})`
        : undefined;
      add(v, `${field}()`, { anchor: n, headerEdit: line ? before(n, line) : undefined });
    }
  }

  /**
   * echo's and fiber's predefined errors, `echo.ErrUnauthorized`, `fiber.ErrTooManyRequests`: a
   * status everywhere (hover), and a response where it is returned (not in `errors.Is(err, ...)`).
   */
  function errorValue(n: Node) {
    const operand = n.childForFieldName('operand')?.text;
    if (operand !== 'echo' && operand !== 'fiber') return;
    const field = n.childForFieldName('field');
    const m = field ? /^Err([A-Z]\w+)$/.exec(field.text) : null;
    const code = m ? codeForName(m[1]!) : undefined;
    if (!field || !code) return;
    addToken(code, n);
    const list = n.parent;
    if (list?.type !== 'expression_list' || list.parent?.type !== 'return_statement') return;
    const respell = replaceWith(field.startIndex, field.endIndex, (c) => `Err${spellName(c, 'PascalCase')}`);
    addSite(n, code, `${operand}.${field.text}`, { respell });
  }

  return done();
}

export const GO_STRING_TYPES = ['interpreted_string_literal', 'raw_string_literal', 'field_identifier'];
