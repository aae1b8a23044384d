import { isHttpLevel, locationOf, locationsIn, matchLocation, nginxRegex, type Level } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { Fix, Rule } from '../../types';
import { badPlacements, inDocument, insertBefore, returnCode, type NginxParsed } from './support';

/**
 * Requests under /.well-known/ that must reach their files: an ACME HTTP-01 token (RFC 8555 §8.3)
 * and any other entry (security.txt, RFC 9116, and the like). Extensionless on purpose: a regex
 * that refuses `.txt` files is about file types, not about dot-folders.
 */
const PROBES = ['/.well-known/acme-challenge/statuslens-probe', '/.well-known/statuslens-probe'];

/** The status a location answers to every request, when it only refuses. */
export function refusalStatus(d: NginxDirective): number | undefined {
  for (const c of d.block?.children ?? []) {
    if (c.name === 'allow') return undefined;
    if (c.name === 'deny') return c.args[0]?.value === 'all' ? 403 : undefined;
    const code = returnCode(c);
    if (code !== undefined) return code >= 400 ? code : undefined;
  }
  return undefined;
}

/**
 * A regex location that refuses dot-files (`location ~ /\. { deny all; }`) also catches
 * /.well-known/, unless a `^~ /.well-known/` prefix location (which beats regexes) carves it
 * out (N11a, N11b). Judged per server, with the location matching nginx does.
 */
export const hiddenFilesBlockWellKnown: Rule<NginxParsed> = {
  id: 'nginx/hidden-files-block-well-known',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('location')) {
      const loc = locationOf(d);
      if (!loc || (loc.modifier !== '~' && loc.modifier !== '~*')) continue;
      const status = refusalStatus(d);
      if (status === undefined) continue;
      // Cheap first: a regex that does not match the probes themselves cannot catch them.
      const own = nginxRegex(loc.path, loc.modifier === '~*');
      if (own && !PROBES.some((uri) => own.test(uri))) continue;
      const servers: Level[] = [];
      const { placements, note } = badPlacements(parsed, (p) => {
        const level = parsed.levelOf(d.parent, p);
        const server = level.nearest('server');
        // Without the whole server in view (a snippet of locations with no known includer) a carve-out may exist elsewhere.
        if (!server || !isHttpLevel(server) || server.openAbove) return false;
        servers.push(server);
        return PROBES.some((uri) => {
          const m = matchLocation(server, uri);
          return m.certain && m.location?.entry.directive === d;
        });
      });
      if (!placements.length) continue;
      report({
        start: d.args[0]!.start,
        end: d.args[d.args.length - 1]!.end,
        message:
          `Requests under /.well-known/ (ACME HTTP-01 challenges, security.txt) get ${status === 403 ? '403 Forbidden' : status} here: this regex also matches /.well-known/ ` +
          `and no "location ^~ /.well-known/" in the server carves it out (measured: N11a)${note}. Certificate renewal fails. A ^~ prefix location beats every regex (N11b).`,
        fixes: carveOutFix(parsed, d, servers),
      });
    }
  },
};

/** `servers`: every server the location is part of (a snippet may sit in several). */
function carveOutFix(parsed: NginxParsed, d: NginxDirective, servers: Level[]): Fix[] {
  // An existing plain `location /.well-known/` only needs `^~` (adding a second one would be a duplicate).
  const existing = servers.flatMap((s) => locationsIn(s)).filter((l) => l.path.startsWith('/.well-known'));
  if (existing.length) {
    const plain = existing.filter((l) => l.modifier === '' && (l.path === '/.well-known/' || l.path === '/.well-known'));
    const edits = plain.flatMap((l) => {
      const inDoc = inDocument(parsed, l.entry);
      return inDoc === l.entry.directive ? [{ start: inDoc.args[0]!.start, end: inDoc.args[0]!.start, newText: '^~ ' }] : [];
    });
    return edits.length === plain.length && edits.length ? [{ title: 'Make `location /.well-known/` a `^~` location, which beats regexes', preferred: true, edits }] : [];
  }
  // A nested carve-out must sit inside a prefix location that covers /.well-known/.
  const parentLoc = d.parent?.name === 'location' ? locationOf(d.parent) : undefined;
  if (d.parent && d.parent.name !== 'server' && !(parentLoc && parentLoc.modifier === '' && '/.well-known/'.startsWith(parentLoc.path))) return [];
  return [{ title: 'Add `location ^~ /.well-known/ { }` before this location', preferred: true, edits: [insertBefore(parsed.text, d, ['location ^~ /.well-known/ { }'])] }];
}
