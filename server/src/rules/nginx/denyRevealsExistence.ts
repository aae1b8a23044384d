import { locationOf } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { Rule } from '../../types';
import { returnCode, type NginxParsed } from './support';

/**
 * Paths whose existence is itself worth hiding: VCS folders, env files, backups, admin areas.
 * Tested on the location written as a regex (a prefix location's dots are escaped first), so
 * that `/.*` (any path) is not mistaken for a dot-file.
 */
const SENSITIVE = /\\\.(?:git|svn|hg|bzr|env|ht|DS_Store|idea|vscode)|\/\\\.(?=$|[(\[])|\b(?:backups?|dump|admin|phpmyadmin|wp-config)\b|\\\.(?:bak|sql|swp|old|orig)\b|\\\.\((?:\?:)?[^)]*\b(?:bak|sql|swp|old|orig)\b|~\$/i;
/** Directives that may sit next to the refusal without changing what the block does. */
const HARMLESS = new Set(['access_log', 'log_not_found', 'error_log', 'expires']);

/**
 * A location that only refuses a sensitive path with 403 confirms the path exists; RFC 9110
 * §15.5.4 lets a server answer 404 to hide it. deny runs before the file lookup, so even absent
 * files get 403 (N11a).
 */
export const denyRevealsExistence: Rule<NginxParsed> = {
  id: 'nginx/deny-reveals-existence',
  family: 'nginx',
  severity: 'hint',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('location')) {
      const loc = locationOf(d);
      if (!loc || loc.modifier === '@') continue;
      const asRegex = loc.modifier === '~' || loc.modifier === '~*' ? loc.path : loc.path.replace(/[.]/g, '\\.');
      if (!SENSITIVE.test(asRegex)) continue;
      const refusal = onlyRefusal(d);
      if (!refusal) continue;
      const edit = refusal.name === 'deny'
        ? { start: refusal.start, end: refusal.end, newText: 'return 404;' }
        : { start: refusal.args[0]!.start, end: refusal.args[0]!.end, newText: '404' };
      report({
        start: refusal.start,
        end: refusal.end,
        message:
          `Answering 403 Forbidden for ${loc.path} tells scanners the path exists (deny answers 403 even for files that are absent: N11a). ` +
          'RFC 9110 §15.5.4 lets a server answer 404 Not Found to hide a forbidden resource.',
        fixes: [{ title: 'Answer 404 Not Found instead (`return 404;`)', preferred: true, edits: [edit] }],
      });
    }
  },
};

/** The `deny all;` or `return 403;` when it is all the block does. */
function onlyRefusal(d: NginxDirective): NginxDirective | undefined {
  let refusal: NginxDirective | undefined;
  for (const c of d.block?.children ?? []) {
    if (HARMLESS.has(c.name)) continue;
    if (!refusal && ((c.name === 'deny' && c.args[0]?.value === 'all') || returnCode(c) === 403)) {
      refusal = c;
      continue;
    }
    return undefined;
  }
  return refusal?.terminated ? refusal : undefined;
}
