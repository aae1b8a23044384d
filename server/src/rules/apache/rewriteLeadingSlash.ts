import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { contextOf } from '../../analysis/apacheContext';
import type { Fix, Rule } from '../../types';
import { rewriteFlagStatuses } from '../../analysis/apacheStatus';
import { activeDirectives, plainArg } from './shared';

/**
 * What the first character matched after `^` must be: always `/`, never `/`, or either (or we
 * cannot tell). `end` is where that first atom ends in the pattern, when it is a plain `/` or `\/`.
 */
type Lead = { kind: 'slash'; end: number; direct: boolean } | { kind: 'no-slash' } | { kind: 'either' };

/** Classifies the first atom of a regex from index `i` (just after `^`). Conservative: unsure means `either`. */
function leadOf(p: string, i = 1): Lead {
  let atomEnd: number;
  let lead: Lead;
  const c = p[i];
  if (c === undefined || c === '$' || c === '.' || c === '|' || c === ')' || c === '^' || c === '*' || c === '+' || c === '?' || c === '{') return { kind: 'either' };
  if (c === '/') {
    atomEnd = i + 1;
    lead = { kind: 'slash', end: atomEnd, direct: true };
  } else if (c === '\\') {
    const e = p[i + 1];
    if (e === undefined) return { kind: 'either' };
    atomEnd = i + 2;
    if (e === '/') lead = { kind: 'slash', end: atomEnd, direct: true };
    else if (/[dws]/.test(e)) lead = { kind: 'no-slash' }; // \d \w \s never match "/"
    else if (/[A-Za-z0-9]/.test(e)) return { kind: 'either' }; // \W \D \S \b … may match or be empty
    else lead = { kind: 'no-slash' }; // an escaped literal such as \. or \-
  } else if (c === '[') {
    const close = classEnd(p, i);
    if (close < 0) return { kind: 'either' };
    const body = p.slice(i + 1, close);
    const negated = body.startsWith('^');
    const members = negated ? body.slice(1) : body;
    const mayHoldSlash = members.includes('/') || /\\[WDSp]/.test(members) || hasRangeOver(members, 47);
    if (negated) lead = members.includes('/') ? { kind: 'no-slash' } : { kind: 'either' };
    else lead = mayHoldSlash ? { kind: 'either' } : { kind: 'no-slash' };
    atomEnd = close + 1;
  } else if (c === '(') {
    if (p[i + 1] === '?' && p[i + 2] !== ':') return { kind: 'either' }; // lookarounds, named groups, flags
    const start = p[i + 1] === '?' ? i + 3 : i + 1;
    const close = groupEnd(p, i);
    if (close < 0) return { kind: 'either' };
    const kinds = splitAlternatives(p, start, close).map((alt) => leadOf(p.slice(0, close), alt).kind);
    if (kinds.every((k) => k === 'slash')) lead = { kind: 'slash', end: close + 1, direct: false };
    else if (kinds.every((k) => k === 'no-slash')) lead = { kind: 'no-slash' };
    else return { kind: 'either' };
    atomEnd = close + 1;
  } else {
    atomEnd = i + 1;
    lead = { kind: 'no-slash' }; // a literal character other than "/"
  }
  // An atom that may be skipped says nothing about the first character.
  const q = p[atomEnd];
  if (q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(p.slice(atomEnd)))) return { kind: 'either' };
  return lead;
}

function classEnd(p: string, open: number): number {
  let j = open + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j;
  }
  return -1;
}

function groupEnd(p: string, open: number): number {
  let depth = 0;
  for (let j = open; j < p.length; j++) {
    const ch = p[j];
    if (ch === '\\') j++;
    else if (ch === '[') {
      const e = classEnd(p, j);
      if (e < 0) return -1;
      j = e;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return j;
  }
  return -1;
}

/** Start offsets of the top-level alternatives of a group body [start, end). */
function splitAlternatives(p: string, start: number, end: number): number[] {
  const out = [start];
  let depth = 0;
  for (let j = start; j < end; j++) {
    const ch = p[j];
    if (ch === '\\') j++;
    else if (ch === '[') j = Math.max(j, classEnd(p, j));
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) out.push(j + 1);
  }
  return out;
}

function hasRangeOver(members: string, code: number): boolean {
  for (const m of members.matchAll(/(.)-(.)/g)) if (m[1]!.charCodeAt(0) <= code && code <= m[2]!.charCodeAt(0)) return true;
  return false;
}

/**
 * In server and virtual-host context RewriteRule matches the URL path with its leading slash, so
 * `^secret` never matches (A5a); in .htaccess and <Directory> Apache strips the folder prefix and
 * its slash first, so `^/private/` never matches there (A9a) while `^backup/` does (A9b, A5c).
 */
export const rewriteLeadingSlash: Rule<ApacheParsed> = {
  id: 'apache/rewrite-leading-slash',
  family: 'apache',
  severity: 'warning',
  check({ parsed, report }) {
    for (const d of activeDirectives(parsed)) {
      if (d.lname !== 'rewriterule' || d.args.length < 2) continue;
      const where = contextOf(d, parsed.kind);
      const perDirectory = where === 'h' || where === 'd';
      const server = where === 's' || where === 'v' || where === 'sv';
      if (!perDirectory && !server) continue;
      const pattern = d.args[0]!;
      const p = pattern.value;
      if (!p.startsWith('^')) continue; // unanchored, or negated with "!"
      const lead = leadOf(p);
      const flags = d.args[2] ? rewriteFlagStatuses(d.args[2]).map((f) => f.code) : [];
      const lost = flags.length ? ` The ${flags[0]} it should send is never sent.` : ' Requests fall through to whatever comes next.';
      const plain = plainArg(pattern);
      if (server && lead.kind === 'no-slash') {
        const fixes: Fix[] = plain ? [{ title: 'Add the leading slash (`^/`)', preferred: true, edits: [{ start: plain.offset + 1, end: plain.offset + 1, newText: '/' }] }] : [];
        report({
          start: pattern.start,
          end: pattern.end,
          message: `In ${where === 's' || where === 'sv' ? 'server' : 'virtual-host'} context RewriteRule matches the URL path with its leading slash ("/secret/x"), so ${p} never matches and this rule never applies (A5a: 200 instead of 403).${lost}`,
          fixes,
        });
      } else if (perDirectory && lead.kind === 'slash') {
        const fixes: Fix[] = plain && lead.direct ? [{ title: 'Remove the leading slash', preferred: true, edits: [{ start: plain.offset + 1, end: plain.offset + lead.end, newText: '' }] }] : [];
        report({
          start: pattern.start,
          end: pattern.end,
          message: `In ${where === 'h' ? '.htaccess' : '<Directory>'} context Apache strips the folder prefix and its slash before matching ("private/x", not "/private/x"), so ${p} never matches and this rule never applies (A9a; without the slash it matches: A9b).${lost}`,
          fixes,
        });
      }
    }
  },
};
