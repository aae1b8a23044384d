import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { rewriteFlagStatuses } from '../../analysis/apacheStatus';
import type { Rule } from '../../types';
import { activeDirectives } from './shared';

/**
 * `[F]`, `[G]` and `[R=4xx/5xx]` end the request with that status and drop the substitution
 * (A5b): `RewriteRule ^old /new.html [R=404]` never serves or redirects to /new.html.
 */
export const rewriteSubstitutionIgnored: Rule<ApacheParsed> = {
  id: 'apache/rewrite-substitution-ignored',
  family: 'apache',
  severity: 'info',
  check({ parsed, report }) {
    for (const d of activeDirectives(parsed)) {
      if (d.lname !== 'rewriterule' || d.args.length < 3) continue;
      const substitution = d.args[1]!;
      if (substitution.value === '-') continue;
      const status = rewriteFlagStatuses(d.args[2]!).find((f) => f.code < 300 || f.code > 399);
      if (!status) continue;
      report({
        start: substitution.start,
        end: substitution.end,
        message: `With a ${status.code} flag Apache drops the substitution and answers ${status.code} (A5b): ${substitution.value} is never served or redirected to. Write \`-\` to say so; for a custom error page use ErrorDocument ${status.code} with a local path.`,
        fixes: [{ title: 'Replace the substitution with `-`', preferred: true, edits: [{ start: substitution.start, end: substitution.end, newText: '-' }] }],
      });
    }
  },
};
