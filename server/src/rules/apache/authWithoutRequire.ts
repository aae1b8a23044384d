import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { accessScopeOf } from '../../analysis/apacheContext';
import type { ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { activeDirectives, insertAfter, requireAsksForLogin, requireIndex, type RequireIndex } from './shared';

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
    const index = requireIndex(parsed);
    for (const d of activeDirectives(parsed)) {
      if (d.lname !== 'authtype' || !d.args[0] || /^none$/i.test(d.args[0].value)) continue;
      const scope = accessScopeOf(d);
      if (asksForLoginAround(index, scope)) continue;
      if (parsed.governing?.inheritedRequires.some((r) => !/^(all|ip|host|env|method|local|forward-dns|expr)\b/i.test(r.replace(/^not\s+/i, '')))) continue;
      const own = index.byScope.get(scope) ?? [];
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

/** A Require asking for a login in `scope` or inside it, or in a section around it. */
function asksForLoginAround(index: RequireIndex, scope: ApacheDirective | undefined): boolean {
  if (index.loginBelow.has(scope)) return true;
  for (let s = scope; s; ) {
    s = accessScopeOf(s);
    if ((index.byScope.get(s) ?? []).some(requireAsksForLogin)) return true;
  }
  return false;
}
