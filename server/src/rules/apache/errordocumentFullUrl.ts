import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { topLevel } from '../../analysis/apacheContext';
import type { ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { activeDirectives } from './shared';

/**
 * `ErrorDocument 4xx/5xx http(s)://…`: Apache answers with a 302 redirect to that URL, so the
 * client never sees the error status (A4a); for 401 Apache ignores the line at start-up (A4c).
 */
export const errordocumentFullUrl: Rule<ApacheParsed> = {
  id: 'apache/errordocument-full-url',
  family: 'apache',
  severity: 'warning',
  check({ parsed, report }) {
    for (const d of activeDirectives(parsed)) {
      if (d.lname !== 'errordocument' || d.args.length < 2) continue;
      const code = /^[45]\d\d$/.test(d.args[0]!.value) ? Number(d.args[0]!.value) : undefined;
      const target = d.args[1]!;
      if (!code || /\s/.test(target.value)) continue; // a message with spaces is text, not a URL
      let url: URL;
      try {
        if (!/^https?:\/\//i.test(target.value)) continue;
        url = new URL(target.value);
      } catch {
        continue;
      }
      const local = `${url.pathname}${url.search}`;
      const sameSite = siteNames(parsed, d).has(url.hostname.toLowerCase());
      const fixes: Fix[] = [
        {
          title: sameSite ? `Use the local path ${local}` : `Use the local path ${local} (only if ${url.host} is this site)`,
          preferred: sameSite,
          edits: [{ start: target.start, end: target.end, newText: target.quote ? `${target.quote}${local}${target.quote}` : local }],
        },
      ];
      const message =
        code === 401
          ? `Apache ignores a full URL in a 401 ErrorDocument ("cannot use a full URL in a 401 ErrorDocument directive --- ignoring!", AH00113): clients get the plain 401 with its challenge, never this page (A4c). Use a local path.`
          : `With a full URL, Apache answers ${code} errors with 302 Found and Location: ${target.value} (A4a): browsers, crawlers and monitoring never see ${code}, and the error page itself answers 200. A local path keeps the ${code} and swaps only the body (A4b).`;
      report({ start: target.start, end: target.end, message, fixes });
    }
  },
};

/** ServerName/ServerAlias of the virtual host around `d`, and of the file's top level. */
function siteNames(parsed: ApacheParsed, d: ApacheDirective): Set<string> {
  const names = new Set<string>();
  const collect = (list: Iterable<ApacheDirective>) => {
    for (const x of list) {
      if (x.lname === 'servername' || x.lname === 'serveralias') {
        for (const a of x.args) names.add(a.value.replace(/^[a-z]+:\/\//i, '').replace(/:\d+$/, '').toLowerCase());
      }
    }
  };
  collect(topLevel(parsed.file.directives));
  for (let p = d.parent; p; p = p.parent) if (p.lname === 'virtualhost' && p.section) collect(topLevel(p.section.children));
  return names;
}
