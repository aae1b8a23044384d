import type { Level } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { Rule } from '../../types';
import { checkRequiredHeader } from './requiredHeader';
import { authInScope, type NginxParsed } from './support';

/** Locations used as auth_request subrequests: their 401 goes to nginx, which adds what it needs. */
function authSubrequestTargets(parsed: NginxParsed): Set<string> {
  return new Set(parsed.named('auth_request').map((d) => d.args[0]?.value ?? '').filter((v) => v && v !== 'off'));
}

function enclosingLocationPath(level: Level): string | undefined {
  const loc = level.nearest('location');
  const args = loc?.block?.args ?? [];
  return args[args.length - 1]?.value;
}

/**
 * `return 401` must carry a WWW-Authenticate challenge (RFC 9110 §15.5.2), and a hand-made
 * 401 has none unless an add_header … always sends it (N5b).
 */
export const unauthorizedWithoutChallenge: Rule<NginxParsed> = {
  id: 'nginx/401-without-challenge',
  family: 'nginx',
  severity: 'warning',
  check(context) {
    let targets: Set<string> | undefined;
    checkRequiredHeader(
      {
        code: 401,
        header: 'www-authenticate',
        headerOnServerOk: false,
        display: 'WWW-Authenticate',
        exempt(level: Level) {
          if (authInScope(level)) return true;
          targets ??= authSubrequestTargets(context.parsed);
          const path = enclosingLocationPath(level);
          return !!path && targets.has(path);
        },
        headerLine(d: NginxDirective) {
          // Basic when the condition looks at Basic credentials; otherwise a token scheme.
          const cond = d.parent?.name === 'if' ? d.parent.args.map((a) => a.value).join(' ') : '';
          return /basic/i.test(cond) ? `WWW-Authenticate 'Basic realm="restricted"' always` : `WWW-Authenticate 'Bearer realm="restricted"' always`;
        },
        message: (variant, note) =>
          variant === 'without-always'
            ? `Clients get 401 Unauthorized without the WWW-Authenticate challenge RFC 9110 §15.5.2 requires: the add_header for it lacks "always", and add_header is skipped on 4xx responses (measured: N5b)${note}.`
            : `Clients get 401 Unauthorized with no WWW-Authenticate challenge, which RFC 9110 §15.5.2 requires: a hand-made 401 carries none (measured: N5b)${note}. ` +
              `Add the challenge, or answer 403 Forbidden if this is about permission rather than missing credentials.`,
        extraFixes: (d) => [
          { title: 'Answer 403 Forbidden instead (permission, not missing credentials)', edits: [{ start: d.args[0]!.start, end: d.args[0]!.end, newText: '403' }] },
        ],
      },
      context,
    );
  },
};
