import type { Level } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { Rule } from '../../types';
import { checkRequiredHeader } from './requiredHeader';
import type { NginxParsed } from './support';

/**
 * Locations used as auth_request subrequests. Their 401 does reach the client, but nginx takes the
 * challenge from the subrequest's own WWW-Authenticate (an upstream's), not from add_header, so an
 * add_header fix there would not help; such locations are left alone (see the rule page).
 * A subrequest stays in its server, so only auth_request lines of the same server block (or of no
 * server block: http level, a snippet's top) name targets there.
 */
function authSubrequestTargets(parsed: NginxParsed, server: NginxDirective | undefined): Set<string> {
  const targets = new Set<string>();
  for (const d of parsed.lookup('auth_request')) {
    const own = enclosingServer(d);
    const value = d.args[0]?.value;
    if (value && value !== 'off' && (!own || own === server)) targets.add(value);
  }
  return targets;
}

function enclosingServer(d: NginxDirective): NginxDirective | undefined {
  for (let p = d.parent; p; p = p.parent) if (p.name === 'server') return p;
  return undefined;
}

/** The realm of the nearest enclosing `auth_basic` in the same file, if any (not `off`). */
function authBasicRealm(d: NginxDirective): string | undefined {
  for (let block = d.parent; block; block = block.parent) {
    const auth = block.block?.children.find((c) => c.name === 'auth_basic');
    if (auth) return auth.args[0]?.value === 'off' ? undefined : (auth.args[0]?.value ?? undefined);
  }
  return undefined;
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
  local: true,
  check(context) {
    const targets = new Map<NginxDirective | undefined, Set<string>>();
    checkRequiredHeader(
      {
        code: 401,
        header: 'www-authenticate',
        headerOnServerOk: false,
        display: 'WWW-Authenticate',
        exempt(level: Level, d: NginxDirective) {
          // No exemption for auth_basic in scope: `return` runs in the rewrite phase, before
          // auth_basic, so this 401 goes out without its challenge (conformance: C-nginx-return-401-before-auth-basic).
          const path = enclosingLocationPath(level);
          if (!path) return false;
          const server = enclosingServer(d);
          let here = targets.get(server);
          if (!here) targets.set(server, (here = authSubrequestTargets(context.parsed, server)));
          return here.has(path);
        },
        headerLine(d: NginxDirective) {
          // auth_basic in scope: repeat its realm. Basic when the condition looks at Basic
          // credentials; otherwise a token scheme.
          const realm = authBasicRealm(d);
          if (realm !== undefined) return `WWW-Authenticate 'Basic realm="${realm.replace(/["'\\]/g, '')}"' always`;
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
