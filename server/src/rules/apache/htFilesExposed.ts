import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { basenameOf, inactiveOn24, ownDirectives, REQUIRE_CONTAINERS, topLevel, wildcardMatches } from '../../analysis/apacheContext';
import { rewriteFlagStatuses } from '../../analysis/apacheStatus';
import { walkApache, type ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { activeDirectives, indentUnit, insertAfter } from './shared';

const HT_NAMES = ['.htaccess', '.htpasswd'];

/**
 * A main server config that serves a DocumentRoot and has nothing denying `.ht*` files: the
 * protection lives in distribution configs (Debian's apache2.conf, RHEL's httpd.conf), not in the
 * binary, so a hand-written config serves .htaccess and .htpasswd with 200 (A8b; with the
 * `<Files ".ht*">` block they get 403: A8a).
 */
export const htFilesExposed: Rule<ApacheParsed> = {
  id: 'apache/ht-files-exposed',
  family: 'apache',
  severity: 'warning',
  check({ parsed, document, report }) {
    if (!isMainConfig(parsed)) return;
    // An include we could not follow may hold the protection: stay quiet rather than guess.
    if (parsed.unresolvedIncludes > 0) return;
    const protectedScopes = new Set<ApacheDirective | undefined>();
    let unknownProtection = false;
    const scan = (list: Iterable<ApacheDirective>, fromInclude: boolean) => {
      for (const d of list) {
        if (inactiveOn24(d)) continue;
        const verdict = protects(d);
        if (verdict === 'unknown') unknownProtection = true;
        // Protection in an included file counts for the whole server (we do not track where it was included).
        if (verdict === 'yes') protectedScopes.add(fromInclude ? undefined : vhostOf(d));
      }
    };
    scan(activeDirectives(parsed), false);
    for (const inc of parsed.included) scan(walkApache(inc.file.directives), true);
    if (unknownProtection || protectedScopes.has(undefined)) return;
    const text = document.getText();
    const unit = indentUnit(text);
    for (const d of activeDirectives(parsed)) {
      if (d.lname !== 'documentroot' || protectedScopes.has(vhostOf(d))) continue;
      const edit = insertAfter(text, d, ['<Files ".ht*">', `${unit}Require all denied`, '</Files>']);
      const fixes: Fix[] = edit ? [{ title: 'Deny .ht* files (`<Files ".ht*"> Require all denied`)', preferred: true, edits: [edit] }] : [];
      report({
        start: d.start,
        end: d.end,
        message:
          `Nothing in this configuration denies .ht* files, so /.htaccess and /.htpasswd under ${d.args[0]?.value ?? 'this DocumentRoot'} are served to anyone who asks (200 OK, A8b), password hashes included. ` +
          'Distribution configs carry a <Files ".ht*"> block that answers 403 (A8a); this one has none.',
        fixes,
      });
    }
  },
};

/**
 * The top file of a server: httpd.conf / apache2.conf, or one that sets ServerRoot itself.
 * (`Listen` is no sign: extra/httpd-ssl.conf has one and is included from httpd.conf.)
 */
function isMainConfig(parsed: ApacheParsed): boolean {
  if (parsed.kind === 'htaccess') return false;
  if (parsed.path && /^(httpd|apache2?)\.conf$/i.test(basenameOf(parsed.path))) return true;
  for (const d of topLevel(parsed.file.directives)) if (d.lname === 'serverroot') return true;
  return false;
}

function vhostOf(d: ApacheDirective): ApacheDirective | undefined {
  for (let p = d.parent; p; p = p.parent) if (p.lname === 'virtualhost') return p;
  return undefined;
}

/** Whether `d` keeps .htaccess/.htpasswd from being served; `unknown` when a pattern cannot be evaluated. */
function protects(d: ApacheDirective): 'yes' | 'no' | 'unknown' {
  const args = d.args.map((a) => a.value);
  if (d.section && (d.lname === 'files' || d.lname === 'filesmatch' || d.lname === 'location' || d.lname === 'locationmatch')) {
    const regex = d.lname.endsWith('match') || args[0] === '~';
    const pattern = args[0] === '~' ? args[1] : args[0];
    if (pattern === undefined) return 'no';
    const names = d.lname.startsWith('files') ? HT_NAMES : HT_NAMES.map((n) => `/${n}`);
    const plainHit = d.lname.startsWith('files') ? names.every((n) => wildcardMatches(pattern, n)) : names.every((n) => n.startsWith(pattern));
    const hit = regex ? regexMatchesAll(pattern, names) : plainHit ? 'yes' : 'no';
    if (hit === 'no') return 'no';
    if (!deniesInside(d)) return 'no';
    return hit;
  }
  if (d.lname === 'redirectmatch' && args.length >= 2 && /^(403|404|410|gone)$/i.test(args[0]!)) {
    return regexMatchesAll(args[1]!, HT_NAMES.map((n) => `/${n}`));
  }
  if (d.lname === 'rewriterule' && args.length >= 3 && d.args[2] && rewriteFlagStatuses(d.args[2]).some((f) => f.code >= 400)) {
    const p = args[0]!;
    if (p.startsWith('!')) return 'no';
    return regexMatchesAll(p, HT_NAMES.map((n) => `/${n}`)) === 'yes' || regexMatchesAll(p, HT_NAMES) === 'yes' ? 'yes' : 'no';
  }
  return 'no';
}

/** The section refuses access: `Require all denied`, any restricting Require, or `Deny from all`. */
function deniesInside(section: ApacheDirective): boolean {
  return ownDirectives(section, (c) => REQUIRE_CONTAINERS.has(c.lname)).some((c) => {
    if (inactiveOn24(c)) return false;
    const words = c.args.map((a) => a.value.toLowerCase()).join(' ');
    if (c.lname === 'require') return words !== 'all granted';
    return c.lname === 'deny' && words === 'from all';
  });
}

/** Whether a PCRE pattern matches every name; `unknown` when JavaScript cannot compile it. */
function regexMatchesAll(pattern: string, names: string[]): 'yes' | 'no' | 'unknown' {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([a-z]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]!.includes('i')) flags = 'i';
  }
  try {
    const re = new RegExp(source, flags);
    return names.every((n) => re.test(n)) ? 'yes' : 'no';
  } catch {
    return 'unknown';
  }
}
