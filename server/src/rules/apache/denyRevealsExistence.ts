import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { inactiveOn24, ownDirectives } from '../../analysis/apacheContext';
import { rewriteFlagStatuses } from '../../analysis/apacheStatus';
import type { ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { indentAt } from '../text';
import { activeDirectives, plainArg, replaceLines } from './shared';

/**
 * Paths whose existence is itself worth hiding: VCS folders, env files, dumps, backups, keys.
 * `.ht*` is left out on purpose: every Apache has those files, and the block that denies them is
 * the distribution default (and what apache/ht-files-exposed asks for).
 */
const SENSITIVE =
  /\\?\.(?:git|svn|hg|bzr|env|DS_Store|idea|vscode)(?![a-z])|\b(?:backups?|dump|wp-config|phpmyadmin|id_rsa)\b|\\?\.\(?(?:\?:)?(?:[a-z|]*\|)?(?:bak|sql|swp|old|orig|log|ini|pem|key)\b|\(\^\|\/\)\\\.|^\^\\\.(?!ht)|\bcomposer\b/i;

const SECTIONS = new Set(['files', 'filesmatch', 'location', 'locationmatch', 'directory', 'directorymatch']);

const RFC = 'RFC 9110 §15.5.4 lets a server that wants to hide a forbidden resource answer 404 Not Found instead.';

/** A 403 for a sensitive path confirms it exists; 404 hides it (RFC 9110 §15.5.4). */
export const denyRevealsExistence: Rule<ApacheParsed> = {
  id: 'apache/deny-reveals-existence',
  family: 'apache',
  severity: 'hint',
  check({ parsed, document, report }) {
    const text = document.getText();
    for (const d of activeDirectives(parsed)) {
      if (d.section && SECTIONS.has(d.lname)) {
        const pattern = d.args[0]?.value === '~' ? d.args[1]?.value : d.args[0]?.value;
        // A <Files> glob's "." is literal: ".*" there means every dot-file.
        const glob = (d.lname === 'files' || d.lname === 'directory' || d.lname === 'location') && d.args[0]?.value !== '~';
        if (!pattern || !(SENSITIVE.test(pattern) || (glob && /^\.(?!ht)/.test(pattern))) || !onlyDenies(d)) continue;
        const fixes: Fix[] = [];
        const regex = d.lname === 'locationmatch' || (d.lname === 'location' && d.args[0]?.value === '~') ? pattern : d.lname === 'location' ? `^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` : undefined;
        if (regex && parsed.kind !== 'htaccess') {
          const edits = replaceLines(text, d, [], [`${indentAt(text, d.start)}RedirectMatch 404 "${regex.replace(/"/g, '\\"')}"`]);
          if (edits) fixes.push({ title: `Answer 404 instead (\`RedirectMatch 404 "${regex}"\`)`, preferred: true, edits });
        }
        report({
          start: d.start,
          end: d.section.openEnd,
          message: `This block answers 403 Forbidden for ${pattern}, which confirms to scanners that such a path exists. ${RFC}${fixes.length ? '' : ' In a <Files>/<Directory> block, `RedirectMatch 404 <url-regex>` or `RewriteRule <regex> - [R=404]` does that.'}`,
          fixes,
        });
        continue;
      }
      if (d.lname === 'rewriterule' && d.args.length >= 3 && SENSITIVE.test(d.args[0]!.value)) {
        const flags = d.args[2]!;
        const forbid = rewriteFlagStatuses(flags).find((f) => f.code === 403);
        if (!forbid) continue;
        const plain = plainArg(flags);
        // `F` becomes `R=404`; in `R=403` only the code changes.
        const isCode = /^\d{3}$/.test(text.slice(forbid.start, forbid.end));
        const fixes: Fix[] = plain ? [{ title: 'Answer 404 instead (`R=404`)', preferred: true, edits: [{ start: forbid.start, end: forbid.end, newText: isCode ? '404' : 'R=404' }] }] : [];
        report({ start: forbid.start, end: forbid.end, message: `This rule answers 403 Forbidden for ${d.args[0]!.value}, which confirms the path exists. ${RFC}`, fixes });
        continue;
      }
      if ((d.lname === 'redirectmatch' || d.lname === 'redirect') && d.args.length >= 2 && d.args[0]!.value === '403' && SENSITIVE.test(d.args[1]!.value)) {
        const code = d.args[0]!;
        report({
          start: code.start,
          end: code.end,
          message: `This answers 403 Forbidden for ${d.args[1]!.value}, which confirms the path exists. ${RFC}`,
          fixes: [{ title: 'Answer 404 instead', preferred: true, edits: [{ start: code.start, end: code.end, newText: '404' }] }],
        });
      }
    }
  },
};

/** The section does nothing but refuse: `Require all denied` or `Deny from all` (with `Order`/`Satisfy`). */
function onlyDenies(section: ApacheDirective): boolean {
  const active = ownDirectives(section).filter((c) => !inactiveOn24(c));
  let denies = false;
  for (const c of active) {
    const words = c.args.map((a) => a.value.toLowerCase()).join(' ');
    if ((c.lname === 'require' && words === 'all denied') || (c.lname === 'deny' && words === 'from all')) denies = true;
    else if (c.lname === 'order' || c.lname === 'satisfy') continue;
    else return false;
  }
  return denies;
}
