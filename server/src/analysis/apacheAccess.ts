/**
 * Apache access control, old and new: the 2.2 `Order`/`Allow`/`Deny`/`Satisfy` lines of
 * mod_access_compat grouped by section, their meaning, and its exact translation into 2.4
 * `Require` lines. A translation is produced only when it means the same thing; otherwise none.
 *
 * mod_access_compat semantics (its documentation, and A2a/A2c/A2d):
 *   Order Deny,Allow (the default): allowed = !deny-match || allow-match
 *   Order Allow,Deny / Mutual-failure: allowed = allow-match && !deny-match
 *   Satisfy All (default): host rules AND Require must pass; Satisfy Any: either.
 */
import type { ApacheDirective, ApacheFile } from '../parsers/apache';
import { directivesByScope, guardedByAccessCompat, inactiveOn24 } from './apacheContext';

const LEGACY_NAMES = new Set(['order', 'allow', 'deny', 'satisfy']);

/** A `Require` expression: a line (`ip 10.0.0.0/8`, possibly negated) or a RequireAll / RequireAny of them. */
export type RequireNode =
  | { kind: 'granted' }
  | { kind: 'denied' }
  | { kind: 'line'; text: string; not?: boolean }
  | { kind: 'all' | 'any'; children: RequireNode[] };

export const GRANTED: RequireNode = { kind: 'granted' };
export const DENIED: RequireNode = { kind: 'denied' };

const positive = (n: RequireNode) => !(n.kind === 'line' && n.not);

/** Simplifies while keeping Apache's rule that a negated Require needs a positive sibling in a RequireAll. */
export function all(...nodes: RequireNode[]): RequireNode {
  const flat: RequireNode[] = [];
  for (const n of nodes) {
    if (n.kind === 'denied') return DENIED;
    if (n.kind === 'all') flat.push(...n.children);
    else flat.push(n);
  }
  const hasOtherPositive = flat.some((n) => n.kind !== 'granted' && positive(n));
  const kept = flat.filter((n, i) => n.kind !== 'granted' || (!hasOtherPositive && flat.findIndex((m) => m.kind === 'granted') === i));
  if (!kept.length) return GRANTED;
  return kept.length === 1 && positive(kept[0]!) ? kept[0]! : { kind: 'all', children: kept };
}

export function any(...nodes: RequireNode[]): RequireNode {
  const flat: RequireNode[] = [];
  for (const n of nodes) {
    if (n.kind === 'granted') return GRANTED;
    if (n.kind === 'denied') continue;
    if (n.kind === 'any') flat.push(...n.children);
    else flat.push(n);
  }
  if (!flat.length) return DENIED;
  return flat.length === 1 ? flat[0]! : { kind: 'any', children: flat };
}

/** `Require` lines for a node, each indented by `indent` (+ `unit` per nesting level). */
export function renderRequire(node: RequireNode, indent: string, unit: string): string[] {
  const leaf = (n: RequireNode, pad: string): string[] => {
    switch (n.kind) {
      case 'granted':
        return [`${pad}Require all granted`];
      case 'denied':
        return [`${pad}Require all denied`];
      case 'line':
        return [`${pad}Require ${n.not ? 'not ' : ''}${n.text}`];
      default: {
        const tag = n.kind === 'all' ? 'RequireAll' : 'RequireAny';
        return [`${pad}<${tag}>`, ...n.children.flatMap((c) => leaf(c, pad + unit)), `${pad}</${tag}>`];
      }
    }
  };
  // Require lines side by side in a section already mean "any of them".
  if (node.kind === 'any') return node.children.flatMap((c) => leaf(c, indent));
  return leaf(node, indent);
}

/** Host arguments of `Allow from` / `Deny from` as Require lines, or undefined for forms we do not translate. */
function hostsToRequire(hosts: string[]): { all: boolean; lines: { kind: 'line'; text: string }[] } | undefined {
  let isAll = false;
  const ips: string[] = [];
  const names: string[] = [];
  const envs: string[] = [];
  for (const h of hosts) {
    if (/^all$/i.test(h)) isAll = true;
    else if (/^env=[^!]/i.test(h)) envs.push(h.slice(4));
    else if (/^env=!/i.test(h)) return undefined; // "not this variable" needs RequireAll around it; leave it to a human
    else if (/^[0-9.]+(\/[0-9.]+)?$/.test(h) || (/^[0-9a-f:.]+(\/\d+)?$/i.test(h) && h.includes(':'))) ips.push(h);
    else if (/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/i.test(h)) names.push(h);
    else return undefined;
  }
  const lines: { kind: 'line'; text: string }[] = [];
  if (ips.length) lines.push({ kind: 'line', text: `ip ${ips.join(' ')}` });
  if (names.length) lines.push({ kind: 'line', text: `host ${names.join(' ')}` });
  for (const e of envs) lines.push({ kind: 'line', text: `env ${e}` });
  return { all: isAll, lines };
}

type Ordering = 'deny,allow' | 'allow,deny' | 'mutual-failure';

export interface LegacyGroup {
  /** The section the lines belong to (undefined: the file's top level). */
  scope: ApacheDirective | undefined;
  order?: ApacheDirective;
  allows: ApacheDirective[];
  denies: ApacheDirective[];
  satisfy?: ApacheDirective;
  /** Every legacy line, in document order. */
  lines: ApacheDirective[];
}

/** Legacy lines Apache 2.4 actually reads (not in a 2.2-only branch, not behind `<IfModule mod_access_compat.c>`). */
function isActiveLegacy(d: ApacheDirective): boolean {
  return LEGACY_NAMES.has(d.lname) && !d.section && !inactiveOn24(d) && !guardedByAccessCompat(d);
}

export function legacyGroups(file: ApacheFile): LegacyGroup[] {
  const groups: LegacyGroup[] = [];
  for (const [scope, lines] of directivesByScope(file, isActiveLegacy)) {
    const g: LegacyGroup = { scope, allows: [], denies: [], lines };
    for (const d of lines) {
      if (d.lname === 'order') g.order = d;
      else if (d.lname === 'allow') g.allows.push(d);
      else if (d.lname === 'deny') g.denies.push(d);
      else g.satisfy = d;
    }
    groups.push(g);
  }
  return groups;
}

function orderingOf(g: LegacyGroup): Ordering | undefined {
  if (!g.order) return 'deny,allow';
  const v = g.order.args.map((a) => a.value).join('').replace(/\s+/g, '').toLowerCase();
  return v === 'deny,allow' || v === 'allow,deny' || v === 'mutual-failure' ? v : undefined;
}

/** Hosts of Allow/Deny lines (`from` dropped); undefined when a line is malformed. */
function hostsOf(lines: ApacheDirective[]): string[] | undefined {
  const out: string[] = [];
  for (const d of lines) {
    if (d.args[0]?.value.toLowerCase() !== 'from' || d.args.length < 2) return undefined;
    out.push(...d.args.slice(1).map((a) => a.value));
  }
  return out;
}

/** What the host rules of a group allow, as a Require expression; undefined when we cannot say exactly. */
export function legacyMeaning(g: LegacyGroup): RequireNode | undefined {
  const ordering = orderingOf(g);
  const allowHosts = hostsOf(g.allows);
  const denyHosts = hostsOf(g.denies);
  if (!ordering || !allowHosts || !denyHosts) return undefined;
  const A = hostsToRequire(allowHosts);
  const D = hostsToRequire(denyHosts);
  if (!A || !D) return undefined;
  const allowMatch: RequireNode = A.all ? GRANTED : any(...A.lines);
  const notDenied: RequireNode = D.all ? DENIED : D.lines.length ? all(GRANTED, ...D.lines.map((l) => ({ ...l, not: true }))) : GRANTED;
  return ordering === 'deny,allow' ? any(notDenied, allowMatch) : all(allowMatch, notDenied);
}

/** `Satisfy Any` (true), `Satisfy All` or none (false); undefined when malformed. */
export function satisfiesAny(g: LegacyGroup): boolean | undefined {
  if (!g.satisfy) return false;
  const v = g.satisfy.args[0]?.value.toLowerCase();
  return v === 'any' ? true : v === 'all' ? false : undefined;
}
