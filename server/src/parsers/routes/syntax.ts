/**
 * Helpers over web-tree-sitter nodes shared by the language extractors, and the part of the
 * analysis that is the same in every language: walking up from a status to its handler while
 * collecting branch conditions, and classifying what a condition tests.
 */
import type { Node } from 'web-tree-sitter';
import type { OffsetEdit } from '../../types';
import type { Condition, Guard, Span, StatusSite, StatusToken, TrackedHeader } from './model';
import { statusFromLiteral } from './statusNames';

/** Named children without comments (and without the nulls the binding may return). */
export function kids(node: Node | null | undefined): Node[] {
  if (!node) return [];
  return node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** The field name under which `child` sits in `parent` (null when it has none). */
export function fieldOf(parent: Node, child: Node): string | null {
  for (let i = 0; i < parent.childCount; i++) {
    if (parent.child(i)?.id === child.id) return parent.fieldNameForChild(i);
  }
  return null;
}

/** The anonymous tokens (operators, keywords) among a node's children, e.g. `!`, `&&`, `is not`. */
export function tokens(node: Node): string[] {
  const out: string[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    if (c && !c.isNamed) out.push(c.type);
  }
  return out;
}

/** The value of a string literal without quotes and prefixes, or undefined when it interpolates. */
export function stringValue(node: Node): string | undefined {
  const parts = kids(node).filter((c) => !/^(string_start|string_end|escape_sequence)$/.test(c.type));
  if (parts.length === 0) return '';
  if (parts.length === 1 && /content|fragment|string_value/.test(parts[0]!.type)) return parts[0]!.text;
  return undefined;
}

/**
 * A grammar's unwrap: from a node down through the wrappers that do not change its value (`(x)`,
 * `await x`, `x as T`: `wrappers` are the grammar's node types for them) to what they hold.
 */
export function unwrapper(wrappers: Iterable<string>): (node: Node) => Node {
  const types: ReadonlySet<string> = new Set(wrappers);
  return (node) => {
    let n = node;
    while (types.has(n.type)) {
      const inner = kids(n)[0];
      if (!inner) break;
      n = inner;
    }
    return n;
  };
}

/** How a language says which branch a child node is on. */
export interface Dialect {
  /** Function-like nodes: the handler and the functions around it. */
  handlerTypes: ReadonlySet<string>;
  /** Guards that `parent` puts on `child` (an if's consequence, an else, a switch case ...). */
  guardsAt(parent: Node, child: Node): Guard[];
  /**
   * Guards that an earlier statement puts on the ones after it by leaving the function:
   * after `if (!req.user) return ...;` the user is there (guard `!req.user`, holds false).
   */
  exitGuards(statement: Node): Guard[];
  /**
   * Headers a framework adds to everything inside a node, e.g. the handler option of a rate
   * limiter, which sets Retry-After before calling it. Asked once per node (`place.up` leads to
   * the node's ancestors).
   */
  headersInside?(place: Place): TrackedHeader[];
}

/** Maps by node id that hold for one extraction: see `extractionMap`. */
const extractionMaps: Map<number, unknown>[] = [];

/**
 * A map by node id for what an extraction remembers about nodes. Node ids are only stable within
 * one tree: `resetSyntaxCaches` empties every such map, before and after each extraction.
 */
export function extractionMap<T>(): Map<number, T> {
  const map = new Map<number, T>();
  extractionMaps.push(map);
  return map;
}

/**
 * A node with the way up from it: `up` is the place of its parent (undefined at the root).
 * Built top-down with `childWithDescendant`: web-tree-sitter's `parent` searches from the root on
 * every call, so walking up with it costs the depth squared.
 */
export interface Place {
  node: Node;
  up: Place | undefined;
  start: number;
  end: number;
  /** What the ancestors put on the node, once asked (see `enclosing`). */
  context?: Context;
}

/**
 * The last place looked up, and the root of its tree. Extractors visit nodes in document order,
 * so the next one is usually just below or beside the last: going up from there to a node that
 * contains it and down again costs the distance between the two, not the depth (error recovery
 * can nest thousands of calls, one inside the next). Only the last place's way up is kept; the
 * places left behind (and their contexts) are garbage. Dropped per extraction.
 */
let lastPlace: Place | undefined;
let rootPlace: Place | undefined;

/** Down from `from` towards `node`; the last place reached is the node's, or its deepest ancestor's when the descent stops. */
function descend(from: Place, node: Node): Place {
  let place = from;
  while (place.node.id !== node.id) {
    const next: Node | null = place.node.childWithDescendant(node);
    if (!next || next.id === place.node.id) break;
    place = { node: next, up: place, start: next.startIndex, end: next.endIndex };
  }
  return place;
}

/** The place of a node: the node and its ancestors (see `Place`). */
export function placeOf(node: Node): Place {
  if (!rootPlace || !lastPlace || rootPlace.node.tree !== node.tree) {
    const root = node.tree.rootNode;
    lastPlace = rootPlace = { node: root, up: undefined, start: root.startIndex, end: root.endIndex };
  }
  const start = node.startIndex;
  const end = node.endIndex;
  // Up to the node, or to the nearest place that holds its span and more: only an ancestor can
  // (siblings do not overlap; a node of the same span may be a descendant).
  let from: Place = lastPlace;
  while (from.node.id !== node.id && from.up && !(from.start <= start && end <= from.end && from.end - from.start > end - start)) from = from.up;
  // An empty node is held by nothing: down from the root.
  if (from.node.id !== node.id && start === end) from = rootPlace;
  let reached = descend(from, node);
  if (reached.node.id !== node.id && from !== rootPlace) reached = descend(rootPlace, node);
  if (reached.node.id !== node.id) {
    // The descent stopped short (a node outside the tree's spans): it hangs under where it stopped.
    return { node, up: reached, start, end };
  }
  return (lastPlace = reached);
}

function resetPlaces(): void {
  lastPlace = undefined;
  rootPlace = undefined;
}

/** What a node's ancestors put on it: see `enclosing`. */
export interface Context {
  guards: Guard[];
  scopes: Span[];
  adds: TrackedHeader[];
}

const NO_CONTEXT: Context = { guards: [], scopes: [], adds: [] };

/**
 * A place's context, kept on the place: a node's context is its parent's plus what the parent
 * puts on it, so a site costs the levels no earlier site has been through, not its depth. The
 * arrays are shared between places (and so between sites): never change them.
 */
function contextOf(place: Place, dialect: Dialect): Context {
  // The places without a context yet, innermost first; filled outermost first (no recursion:
  // error recovery can nest thousands of levels).
  const pending: Place[] = [];
  for (let p: Place | undefined = place; p && !p.context; p = p.up) pending.push(p);
  for (let i = pending.length - 1; i >= 0; i--) {
    const child = pending[i]!;
    const parent = child.up;
    if (!parent) {
      child.context = NO_CONTEXT;
      continue;
    }
    const outer = parent.context!;
    const branch = dialect.guardsAt(parent.node, child.node);
    // Early exits are statements in a function body; the file's top level has none worth the scan.
    const exits = parent.up ? exitGuardsBefore(parent.node, child.node, dialect) : [];
    const adds = dialect.headersInside?.(parent).filter((h) => !outer.adds.includes(h)) ?? [];
    child.context = {
      guards: branch.length || exits.length ? [...branch, ...exits, ...outer.guards] : outer.guards,
      scopes: dialect.handlerTypes.has(parent.node.type) ? [{ start: parent.start, end: parent.end }, ...outer.scopes] : outer.scopes,
      adds: adds.length ? [...outer.adds, ...adds] : outer.adds,
    };
  }
  return place.context!;
}

/**
 * The guards of a node (innermost first), its enclosing functions (innermost first), and headers
 * its surroundings add. Guards are collected across function boundaries: `if (!req.user) {
 * find(id, () => res.status(403)) }` still sends 403 to the anonymous.
 */
export function enclosing(node: Node, dialect: Dialect): Context {
  return contextOf(placeOf(node), dialect);
}

/**
 * Per-extraction memory, by node id, of the early-exit guards that hold before each child of a
 * block (nearest statement first, as `previousNamedSibling` would walk them). Every status site
 * of a block needs the statements before it; computed once per block, a block of n status calls
 * costs n instead of n² tree reads. Node ids are only stable within one tree:
 * `resetSyntaxCaches` runs per extraction.
 */
interface BlockExits {
  indexOf: Map<number, number>;
  /** before[i]: the exit guards of children i-1 … 0. */
  before: Guard[][];
}
const blockExitsSeen = extractionMap<BlockExits>();

export function resetSyntaxCaches(): void {
  for (const map of extractionMaps) map.clear();
  resetPlaces();
}

function exitGuardsBefore(parent: Node, child: Node, dialect: Dialect): Guard[] {
  let block = blockExitsSeen.get(parent.id);
  if (!block) {
    const children = parent.namedChildren.filter((c): c is Node => !!c);
    const indexOf = new Map<number, number>();
    const before: Guard[][] = [[]];
    children.forEach((c, i) => {
      indexOf.set(c.id, i);
      before.push(i === 0 ? dialect.exitGuards(c) : [...dialect.exitGuards(c), ...before[i]!]);
    });
    block = { indexOf, before };
    blockExitsSeen.set(parent.id, block);
  }
  const i = block.indexOf.get(child.id);
  return i === undefined ? [] : block.before[i]!;
}

/** The innermost function at or above a place; undefined at top level. */
export function innermostScope(place: Place | undefined, handlerTypes: ReadonlySet<string>): Span | undefined {
  for (let p = place; p; p = p.up) {
    if (handlerTypes.has(p.node.type)) return { start: p.start, end: p.end };
  }
  return undefined;
}

/**
 * The statement holding `node`: the nearest of it and its ancestors that `isStatement` accepts,
 * with that statement's parent; undefined when a function (`stopAt`) comes first.
 */
export function statementAround(node: Node, isStatement: (n: Node) => boolean, stopAt: ReadonlySet<string>): { statement: Node; parent: Node | undefined } | undefined {
  for (let p: Place | undefined = placeOf(node); p; p = p.up) {
    if (isStatement(p.node)) return { statement: p.node, parent: p.up?.node };
    if (stopAt.has(p.node.type)) return undefined;
  }
  return undefined;
}

// ---- What a condition tests -------------------------------------------------------------
// These classify identifier names (`req.user`, `is_authenticated`, `hasRole`): the syntax tree
// has already said which part of the condition is a name.

/** `User`, `current_user`, `isAdmin?` → `user`, `currentuser`, `isadmin`. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Names whose presence means someone is signed in: the user, the session, the token. */
const IDENTITY = new Set([
  'user', 'currentuser', 'authuser', 'sessionuser', 'loggedinuser', 'authenticateduser', 'principal', 'identity',
  'session', 'usersession', 'token', 'accesstoken', 'authtoken', 'bearertoken', 'bearer', 'jwt', 'idtoken',
  'apikey', 'auth', 'authorization', 'authheader', 'authorizationheader', 'credentials', 'creds',
  'claims', 'userid', 'uid', 'viewer',
]);

/** Predicates that are true when someone is signed in. */
const AUTHENTICATED = new Set([
  'isauthenticated', 'authenticated', 'isloggedin', 'loggedin', 'issignedin', 'signedin', 'usersignedin',
  'isauthed', 'authed', 'hasuser', 'hassession', 'check',
]);

/** Predicates that are true when nobody is. */
const ANONYMOUS = new Set(['isanonymous', 'anonymous', 'isguest', 'guest', 'isunauthenticated', 'unauthenticated', 'isloggedout', 'loggedout', 'isnotauthenticated']);

/** Words that make a test about what an (authenticated) user may do. */
const PERMISSION_WORDS = [
  'role', 'roles', 'admin', 'isadmin', 'staff', 'isstaff', 'superuser', 'issuperuser', 'permission', 'permissions',
  'perm', 'perms', 'hasperm', 'hasperms', 'haspermission', 'haspermissions', 'hasrole', 'hasanyrole', 'hasallroles',
  'can', 'cannot', 'cant', 'authorize', 'authorizes', 'allowed', 'isallowed', 'allows', 'denies', 'scope', 'scopes',
  'hasscope', 'owner', 'owns', 'isowner', 'ownerid', 'author', 'authorid', 'creator', 'creatorid', 'createdby',
  'policy', 'gate', 'ability', 'abilities', 'acl', 'privilege', 'privileges', 'moderator', 'ismoderator',
];
const PERMISSION = new Set(PERMISSION_WORDS);
/** Names that contain one of these pieces also count (`isAdminUser`, `user_roles`, `requiredScope`). */
const PERMISSION_PIECES = ['admin', 'role', 'permission', 'privilege', 'scope', 'superuser', 'owner', 'moderator'];

export type NameKind = 'identity' | 'authenticated' | 'anonymous' | 'permission' | 'other';

/** What a single name says when it is tested. */
export function classifyName(name: string): NameKind {
  const n = squash(name);
  if (ANONYMOUS.has(n)) return 'anonymous';
  if (AUTHENTICATED.has(n)) return 'authenticated';
  if (PERMISSION.has(n) || PERMISSION_PIECES.some((p) => n.includes(p))) return 'permission';
  // Compounds count when they name the signed-in user or its credential (`currentUser`, `accessToken`),
  // not any token kept in a session (`add_github_token`, `csrfToken`).
  if (IDENTITY.has(n) || (/user$/.test(n) && !/(new|other|target|super|add|create|invite)user$/.test(n)) || /^(access|auth|id|bearer|session|api|jwt|user|login)token$/.test(n)) return 'identity';
  return 'other';
}

/**
 * What a chain of names says (`req.user.role` → permission, `req.session.userId` → identity,
 * `auth()->check()` → authenticated): the last name decides, except that `.id` of an identity is
 * still the identity and a permission word anywhere makes it a permission test.
 */
export function classifyChain(names: string[]): NameKind {
  if (names.length === 0) return 'other';
  const kinds = names.map(classifyName);
  const last = kinds[kinds.length - 1]!;
  if (last === 'authenticated' && squash(names[names.length - 1]!) === 'check') {
    // `check` alone is too common a word: only `auth()->check()`, `Auth::check()`, `$this->auth->check()`.
    return names.slice(0, -1).some((n) => /^auth/i.test(n)) ? 'authenticated' : 'other';
  }
  if (last !== 'other') return last;
  if (kinds.includes('permission')) return 'permission';
  const lastName = squash(names[names.length - 1]!);
  if ((lastName === 'id' || lastName === 'pk') && kinds.slice(0, -1).includes('identity')) return 'identity';
  return 'other';
}

/** The condition for testing the truth of a name chain: `if (req.user)`, `unless logged_in?`. */
export function truthOf(names: string[]): Condition {
  switch (classifyChain(names)) {
    case 'identity':
    case 'authenticated':
      return { kind: 'authenticated' };
    case 'anonymous':
      return { kind: 'anonymous' };
    case 'permission':
      return { kind: 'permission' };
    default:
      return { kind: 'other' };
  }
}

/** `x == null` (or nil, None, '', false): true when x is absent. */
export function absenceOf(names: string[]): Condition {
  const truth = truthOf(names);
  return truth.kind === 'authenticated' || truth.kind === 'anonymous' ? { kind: 'not', arg: truth } : truth.kind === 'permission' ? truth : { kind: 'other' };
}

/**
 * A comparison of two non-literal sides: an ownership test when one side names an identity and
 * the other an owner (`post.user_id != current_user.id`), a permission test when either side is
 * one (`user.role !== 'admin'` comes here through the literal path instead).
 */
export function comparisonOf(left: string[], right: string[]): Condition {
  const l = classifyChain(left);
  const r = classifyChain(right);
  if (l === 'permission' || r === 'permission') return { kind: 'permission' };
  const ownerish = (names: string[]) => names.some((n) => /owner|author|creator|createdby|userid|user_id/i.test(n));
  if ((l === 'identity' && ownerish(right)) || (r === 'identity' && ownerish(left))) return { kind: 'permission' };
  if (l === 'identity' && r === 'identity' && (ownerish(left) || ownerish(right) || left.length > 1 && right.length > 1)) {
    // `post.userId !== req.user.id`: two identities compared is whose-is-it.
    return { kind: 'permission' };
  }
  return { kind: 'other' };
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/** The HTTP method a string names (`'post'` → `POST`); undefined when it names none. */
export function httpMethod(s: string | undefined): string | undefined {
  const upper = s?.toUpperCase();
  return upper !== undefined && HTTP_METHODS.has(upper) ? upper : undefined;
}

/** Whether a name chain reads the request method (`req.method`, `request.method`, `r.Method`). */
export function isMethodChain(names: string[]): boolean {
  const last = names[names.length - 1];
  return !!last && /^(method|request_method|requestmethod|getmethod|ismethod)$/i.test(last);
}

/** A dialect's reading of one condition node. */
export type ConditionOf = (node: Node) => Condition;

/** `&&`/`and` → and, `||`/`or` → or; any other operator → undefined. */
export function logicalKind(operator: string | undefined): 'and' | 'or' | undefined {
  if (operator === '&&' || operator === 'and') return 'and';
  if (operator === '||' || operator === 'or') return 'or';
  return undefined;
}

/** `a && b && c` as one `and` of three (the grammars nest it as `(a && b) && c`). */
export function logicalCondition(kind: 'and' | 'or', sides: (Node | null)[], condition: ConditionOf): Condition {
  const args = sides.flatMap((side) => {
    if (!side) return [];
    const c = condition(side);
    return c.kind === kind ? c.args : [c];
  });
  return { kind, args };
}

/** How a language spells the literals that `compareWithLiteral` looks for. */
export interface LiteralSyntax {
  names(node: Node): string[];
  /** `null`, `nil`, `false`, `''`: comparing with it tests absence. */
  isAbsent(literal: Node): boolean;
  /** The text of a string literal (or symbol); undefined when the node is not one. */
  stringOf(literal: Node): string | undefined;
  /** The method a literal names; by default a string that is an HTTP method. Go adds `http.MethodPost`. */
  methodOf?(literal: Node): string | undefined;
}

/** `a == b`, before any negation: a literal on either side decides, else both sides' names do. */
export function compareWithLiteral(left: Node, right: Node, syntax: LiteralSyntax): Condition {
  const { names } = syntax;
  for (const [lit, other] of [[left, right], [right, left]] as const) {
    if (syntax.isAbsent(lit)) return absenceOf(names(other));
    const s = syntax.stringOf(lit);
    const method = syntax.methodOf ? syntax.methodOf(lit) : httpMethod(s);
    if (method && isMethodChain(names(other))) return { kind: 'method', methods: [method] };
    if (s !== undefined) {
      // `user.role === 'admin'`: a literal compared with a permission name.
      const truth = truthOf(names(other));
      return truth.kind === 'permission' ? truth : { kind: 'other' };
    }
  }
  return comparisonOf(names(left), names(right));
}

/** How a language spells the comparisons `binaryCondition` reads. */
export interface ComparisonSyntax extends LiteralSyntax {
  /** The operators of `a == b` and of `a != b` (strict forms included). */
  equal: readonly string[];
  unequal: readonly string[];
  unwrap(node: Node): Node;
}

/**
 * A binary node with `left` and `right` fields, its operator `op` as the language spells it:
 * `a && b` / `a || b` (see `logicalCondition`), `a == b` / `a != b` (see `compareWithLiteral`, on
 * the unwrapped sides); any other operator, or a side missing, is `other`.
 */
export function binaryCondition(n: Node, op: string, syntax: ComparisonSyntax, condition: ConditionOf): Condition {
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  if (!left || !right) return { kind: 'other' };
  const kind = logicalKind(op);
  if (kind) return logicalCondition(kind, [left, right], condition);
  const negated = syntax.unequal.includes(op);
  if (!negated && !syntax.equal.includes(op)) return { kind: 'other' };
  const c = compareWithLiteral(syntax.unwrap(left), syntax.unwrap(right), syntax);
  return negated ? { kind: 'not', arg: c } : c;
}

// ---- Evaluating guards ------------------------------------------------------------------

/** Whether the condition, when it has the truth value `holds`, says nobody is signed in. */
export function impliesAnonymous(c: Condition, holds: boolean): boolean {
  switch (c.kind) {
    case 'anonymous':
      return holds;
    case 'authenticated':
      return !holds;
    case 'not':
      return impliesAnonymous(c.arg, !holds);
    case 'and':
      return holds ? c.args.some((a) => impliesAnonymous(a, true)) : c.args.every((a) => impliesAnonymous(a, false));
    case 'or':
      return holds ? c.args.every((a) => impliesAnonymous(a, true)) : c.args.some((a) => impliesAnonymous(a, false));
    default:
      return false;
  }
}

/** Whether the branch may be taken by someone who is not signed in (an anonymous test in it). */
export function mayBeAnonymous(c: Condition, holds: boolean): boolean {
  switch (c.kind) {
    case 'anonymous':
      return holds;
    case 'authenticated':
      return !holds;
    case 'not':
      return mayBeAnonymous(c.arg, !holds);
    case 'and':
    case 'or':
      return c.args.some((a) => mayBeAnonymous(a, holds));
    default:
      return false;
  }
}

export function testsPermission(c: Condition): boolean {
  switch (c.kind) {
    case 'permission':
      return true;
    case 'not':
      return testsPermission(c.arg);
    case 'and':
    case 'or':
      return c.args.some(testsPermission);
    default:
      return false;
  }
}

/**
 * The methods a branch is known to leave out, i.e. the ones the route handles, read from method
 * tests: `if (req.method !== 'POST')`, the else of `if request.method == 'GET'`, a switch default.
 */
export function allowedMethods(guards: Guard[]): string[] {
  const out = new Set<string>();
  const visit = (c: Condition, holds: boolean) => {
    switch (c.kind) {
      case 'method':
        if (!holds) c.methods.forEach((m) => out.add(m));
        break;
      case 'not':
        visit(c.arg, !holds);
        break;
      case 'and':
        // `a && b` false says little; true says both hold.
        if (holds) c.args.forEach((a) => visit(a, true));
        break;
      case 'or':
        // `m == 'GET' || m == 'HEAD'` false: neither holds.
        if (!holds) c.args.forEach((a) => visit(a, false));
        break;
    }
  };
  guards.forEach((g) => visit(g.condition, g.holds));
  return [...out];
}

// ---- Building sites ---------------------------------------------------------------------

export interface SiteOptions {
  /** Where to start walking up for guards (the producer call); defaults to the status node. */
  anchor?: Node;
  /** Guards the producer itself carries: `abort_if(cond, 403)`, `ctx.assert(user, 401)`. */
  extraGuards?: Guard[];
  respell?: (code: number) => OffsetEdit[] | undefined;
  headerEdit?: (name: string, value: string) => OffsetEdit[] | undefined;
  addsHeaders?: TrackedHeader[];
}

function makeSite(node: Node, code: number, producer: string, dialect: Dialect, options: SiteOptions = {}): StatusSite {
  // The context's arrays are shared between sites: each site gets copies.
  const { guards, scopes, adds } = enclosing(options.anchor ?? node, dialect);
  return {
    code,
    start: node.startIndex,
    end: node.endIndex,
    producer,
    guards: [...(options.extraGuards ?? []), ...guards],
    scopes: [...scopes],
    addsHeaders: [...(options.addsHeaders ?? []), ...adds],
    respell: options.respell ?? (() => undefined),
    headerEdit: options.headerEdit ?? (() => undefined),
  };
}

/** A respell that replaces the token's text with another spelling of the new code. */
export function replaceWith(start: number, end: number, spell: (code: number) => string | undefined): (code: number) => OffsetEdit[] | undefined {
  return (code) => {
    const text = spell(code);
    return text === undefined ? undefined : [{ start, end, newText: text }];
  };
}

/** A status an expression stands for, before it is a site. */
export interface StatusValue {
  code: number;
  node: Node;
  respell: (code: number) => OffsetEdit[] | undefined;
  /** The branch of a choice it is on (`cond ? 403 : 401`). */
  guard?: Guard;
}

/** The status a number literal stands for (none or one), respelled as another number. */
export function numberStatus(n: Node): StatusValue[] {
  const code = statusFromLiteral(n.text);
  return code ? [{ code, node: n, respell: replaceWith(n.startIndex, n.endIndex, String) }] : [];
}

/**
 * The statuses of a choice (`c ? a : b`, `a if c else b`): the consequence's when `c` holds, the
 * alternative's when not. A value on a branch of a nested choice keeps that inner guard.
 */
export function chosenStatuses(c: Condition, consequence: StatusValue[], alternative: StatusValue[]): StatusValue[] {
  return [
    ...consequence.map((v) => ({ ...v, guard: v.guard ?? { condition: c, holds: true } })),
    ...alternative.map((v) => ({ ...v, guard: v.guard ?? { condition: c, holds: false } })),
  ];
}

/**
 * One walk over the tree: each node of a type `handlers` names goes to its handler, in document
 * order. Leaving a type out (a producer the text cannot hold) saves its visits.
 */
export function visit(root: Node, handlers: Readonly<Record<string, (node: Node) => void>>): void {
  for (const n of root.descendantsOfType(Object.keys(handlers))) {
    if (n) handlers[n.type]?.(n);
  }
}

/** What an extractor finds: the status sites, and the tokens that stand for a status (hovers). */
export interface Extracted {
  sites: StatusSite[];
  tokens: StatusToken[];
}

/** Gathers one extraction's sites and tokens (see `collector`). */
export interface Collector {
  /** A site per status value (none for undefined); a value's own guard comes after the producer's `extraGuards`. */
  add(values: StatusValue[] | StatusValue | undefined, producer: string, options?: SiteOptions): void;
  /** A site for a node that is a status by its name (`Boom.forbidden`, `PermissionDenied`). */
  addSite(node: Node, code: number, producer: string, options?: SiteOptions): void;
  /** A token for a node that stands for a status, whether or not it sends one. */
  addToken(code: number, node: Node): void;
  /** The sites, and the tokens with one for every site. */
  done(): Extracted;
}

/** The sites and tokens of one extraction, the sites' guards read through `dialect`. */
export function collector(dialect: Dialect): Collector {
  const sites: StatusSite[] = [];
  const statusTokens: StatusToken[] = [];
  return {
    add(values, producer, options = {}) {
      for (const v of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
        const extraGuards = [...(options.extraGuards ?? []), ...(v.guard ? [v.guard] : [])];
        sites.push(makeSite(v.node, v.code, producer, dialect, { respell: v.respell, ...options, extraGuards }));
      }
    },
    addSite(node, code, producer, options) {
      sites.push(makeSite(node, code, producer, dialect, options));
    },
    addToken(code, node) {
      statusTokens.push({ code, start: node.startIndex, end: node.endIndex });
    },
    done() {
      for (const s of sites) statusTokens.push({ code: s.code, start: s.start, end: s.end });
      return { sites, tokens: statusTokens };
    },
  };
}

/** Keeps one site per status span (a producer may be found through two paths). */
export function dedupeSites(sites: StatusSite[]): StatusSite[] {
  const seen = new Set<string>();
  return sites.filter((s) => {
    const key = `${s.start}:${s.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sortTokens(tokens: StatusToken[]): StatusToken[] {
  const seen = new Set<string>();
  return tokens
    .filter((t) => {
      const key = `${t.start}:${t.end}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.start - b.start);
}

/**
 * An edit that makes `entry` the first element of a collection literal (an object, a dict, an
 * array): before its first element, or, in an empty one, as its only element (the literal is
 * spelled again as `open`, the entry, `close`).
 */
export function insertFirst(collection: Node, entry: string, open: string, close: string): OffsetEdit[] {
  const first = kids(collection)[0];
  if (first) return [{ start: first.startIndex, end: first.startIndex, newText: `${entry}, ` }];
  return [{ start: collection.startIndex, end: collection.endIndex, newText: `${open}${entry}${close}` }];
}

/** The indentation of the line holding `offset`, and the line's start. */
export function lineIndent(text: string, offset: number): { lineStart: number; indent: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let i = lineStart;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return { lineStart, indent: text.slice(lineStart, i) };
}

/**
 * An edit that puts `statement` on its own line before the statement node, at its indentation,
 * only when that statement starts its line (otherwise the new line would split code).
 */
export function insertStatementBefore(text: string, statement: Node, line: string): OffsetEdit[] | undefined {
  const { lineStart, indent } = lineIndent(text, statement.startIndex);
  if (lineStart + indent.length !== statement.startIndex) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return [{ start: lineStart, end: lineStart, newText: `${indent}${line}${eol}` }];
}
