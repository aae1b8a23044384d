/**
 * The branch shapes that recur across the grammars (if / else-if chains, two-way branches,
 * short-circuit operators, method switches), parameterised by each grammar's node types and
 * field names. Every shape reads its condition from the field `condition`, as all five grammars do.
 */
import type { Node } from 'web-tree-sitter';
import type { Guard } from './model';
import { fieldOf, isMethodChain, kids, type ConditionOf } from './syntax';

/** An if whose else-ifs are clauses inside it: PHP's `else_if_clause`, Python's `elif_clause`. */
export interface IfChainGrammar {
  ifType: string;
  elseIfType: string;
  /** The field holding the branch taken when the condition holds (`body`, `consequence`). */
  bodyField: string;
  alternativeField: string;
}

/** Guards an if or else-if clause puts on its child: its body, or an else-if/else after it. */
export function ifChainGuards(parent: Node, child: Node, grammar: IfChainGrammar, condition: ConditionOf): Guard[] {
  const cond = parent.childForFieldName('condition');
  if (!cond) return [];
  const field = fieldOf(parent, child);
  if (field === grammar.bodyField) return [{ condition: condition(cond), holds: true }];
  if (field !== grammar.alternativeField) return [];
  // An else-if or else runs only when the if and every earlier else-if were false.
  const earlier = kids(parent).filter((c) => c.type === grammar.elseIfType && c.startIndex < child.startIndex);
  return [cond, ...earlier.map((e) => e.childForFieldName('condition'))]
    .filter((c): c is Node => !!c)
    .map((c) => ({ condition: condition(c), holds: false }));
}

/** After an if chain, every branch that leaves the function was not taken. */
export function ifChainExitGuards(statement: Node, grammar: IfChainGrammar, exits: (body: Node | null) => boolean, condition: ConditionOf): Guard[] {
  if (statement.type !== grammar.ifType) return [];
  const branches = [statement, ...kids(statement).filter((c) => c.type === grammar.elseIfType)];
  return branches
    .filter((b) => exits(b.childForFieldName(grammar.bodyField)))
    .map((b) => b.childForFieldName('condition'))
    .filter((c): c is Node => !!c)
    .map((c) => ({ condition: condition(c), holds: false }));
}

/** An if whose else-if is another if inside its alternative: JavaScript, Go, Ruby. */
export interface NestedIfGrammar {
  ifTypes: ReadonlySet<string>;
  consequenceField: string;
  /** The next if of the chain, from the alternative field's node. */
  nextIf(alternative: Node): Node | null | undefined;
}

/** `if (a) return; else if (b) return;`: after it, every branch that exits was not taken. */
export function nestedIfExitGuards(statement: Node, grammar: NestedIfGrammar, exits: (body: Node | null) => boolean, condition: ConditionOf): Guard[] {
  const guards: Guard[] = [];
  for (let s: Node | null | undefined = statement; s && grammar.ifTypes.has(s.type); ) {
    const cond = s.childForFieldName('condition');
    if (cond && exits(s.childForFieldName(grammar.consequenceField))) guards.push({ condition: condition(cond), holds: false });
    const alternative = s.childForFieldName('alternative');
    s = alternative ? grammar.nextIf(alternative) : undefined;
  }
  return guards;
}

/**
 * `if c {a} else {b}`, `c ? a : b`: the consequence runs when `c` holds, the alternative when not.
 * The fields name the branch taken when `c` holds and the other one (Ruby's `unless` swaps them).
 */
export function twoWayGuards(parent: Node, child: Node, condition: ConditionOf, consequenceField = 'consequence', alternativeField = 'alternative'): Guard[] {
  const cond = parent.childForFieldName('condition');
  const field = fieldOf(parent, child);
  if (!cond || (field !== consequenceField && field !== alternativeField)) return [];
  return [{ condition: condition(cond), holds: field === consequenceField }];
}

/** `!req.user && res.status(401)`: the right side runs only when the left holds (`&&`) or fails (`||`). */
export function rightOperandGuards(parent: Node, child: Node, kind: 'and' | 'or' | undefined, condition: ConditionOf): Guard[] {
  const left = parent.childForFieldName('left');
  if (!left || !kind || fieldOf(parent, child) !== 'right') return [];
  return [{ condition: condition(left), holds: kind === 'and' }];
}

/**
 * `switch (req.method) { case 'GET': ... default: ... }`: a case holds its methods, the default
 * none of its siblings'. `value` is what the switch tests.
 */
export function switchMethodGuards(clause: Node, value: Node | null, caseType: string, methodsOf: (caseClause: Node) => string[], names: (node: Node | null) => string[]): Guard[] {
  if (!isMethodChain(names(value))) return [];
  if (clause.type === caseType) return [{ condition: { kind: 'method', methods: methodsOf(clause) }, holds: true }];
  const all = kids(clause.parent).filter((c) => c.type === caseType).flatMap(methodsOf);
  return [{ condition: { kind: 'method', methods: all }, holds: false }];
}
