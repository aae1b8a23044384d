import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { accessScopeOf, inactiveOn24 } from '../../analysis/apacheContext';
import { walkApache, type ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { activeDirectives, insertAfter, requireAsksForLogin } from './shared';

/**
 * `AuthType` sets up a login but only a `Require` (valid-user, user, group…) makes Apache ask for
 * it. Without one, nobody is challenged and the files are served with 200 (A10).
 */
export const authWithoutRequire: Rule<ApacheParsed> = {
  id: 'apache/auth-without-require',
  family: 'apache',
  severity: 'warning',
  check({ parsed, document, report }) {
    const text = document.getText();
    for (const d of activeDirectives(parsed)) {
      if (d.lname !== 'authtype' || !d.args[0] || /^none$/i.test(d.args[0].value)) continue;
      const scope = accessScopeOf(d);
      const requires = requiresAround(parsed, scope);
      if (requires.some(requireAsksForLogin)) continue;
      if (parsed.governing?.inheritedRequires.some((r) => !/^(all|ip|host|env|method|local|forward-dns|expr)\b/i.test(r.replace(/^not\s+/i, '')))) continue;
      const own = requires.filter((r) => accessScopeOf(r) === scope);
      const fixes: Fix[] = [];
      if (!own.length) {
        // After the last Auth* line next to AuthType, with its indentation.
        const siblings = d.parent?.section?.children ?? parsed.file.directives;
        const lastAuth = siblings.filter((s) => s.lname.startsWith('auth') && !s.section).pop() ?? d;
        const edit = insertAfter(text, lastAuth, ['Require valid-user']);
        if (edit) fixes.push({ title: 'Ask for a login: add `Require valid-user`', preferred: true, edits: [edit] });
      }
      const which = own.length ? `the Require here (${own.map((r) => `"Require ${r.args.map((a) => a.value).join(' ')}"`).join(', ')}) does not ask for one` : 'no Require asks for one';
      report({
        start: d.start,
        end: d.end,
        message: `AuthType ${d.args[0].value} configures a login, but ${which}: Apache never sends a challenge and serves these files to everyone with 200 OK (A10). Add \`Require valid-user\` (or \`Require user …\`) to ask for credentials (then a missing or wrong password gets 401: A7b).`,
        fixes,
      });
    }
  },
};

/** Require lines that apply to `scope`: inside it (any depth) and in the sections around it. */
function requiresAround(parsed: ApacheParsed, scope: ApacheDirective | undefined): ApacheDirective[] {
  const out: ApacheDirective[] = [];
  const inside = scope?.section ? scope.section.children : parsed.file.directives;
  for (const d of walkApache(inside)) if (d.lname === 'require' && !inactiveOn24(d)) out.push(d);
  for (let p = scope; p; p = p.parent) {
    const siblings = p.parent?.section?.children ?? parsed.file.directives;
    for (const d of siblings) {
      if (d.lname === 'require' && !inactiveOn24(d)) out.push(d);
      // Require lines wrapped in a conditional next to the section.
      if (d.section && /^if(module|define|version)$/.test(d.lname)) for (const x of walkApache(d.section.children)) if (x.lname === 'require' && accessScopeOf(x) === accessScopeOf(p)) out.push(x);
    }
  }
  return out;
}
