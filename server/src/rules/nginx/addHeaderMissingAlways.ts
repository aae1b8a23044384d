import type { Rule } from '../../types';
import { displayHeader, hasAlways, headerName, returnCode, siblingsOf, statusText, type NginxParsed } from './support';

/** Headers that only mean something on error responses, and the statuses they belong to. */
export const ERROR_ONLY_HEADERS: Record<string, string> = {
  'www-authenticate': '401 responses (RFC 9110 §11.6.1)',
  'proxy-authenticate': '407 responses (RFC 9110 §11.7.1)',
  'retry-after': '429 and 503 responses (RFC 9110 §10.2.3)',
  allow: '405 responses (RFC 9110 §10.2.1)',
};

/**
 * add_header without `always` only reaches 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308
 * responses (N5a, N5b): in a block that answers an error, or for a header that only matters on
 * errors, it is never sent.
 */
export const addHeaderMissingAlways: Rule<NginxParsed> = {
  id: 'nginx/add-header-missing-always',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('add_header')) {
      const name = headerName(d);
      if (!name || d.args.length < 2 || hasAlways(d)) continue;
      const codes = siblingsOf(parsed, d).map(returnCode).filter((c): c is number => c !== undefined);
      // 444, 499 and 408 send no response at all (N10a, N10b): no header either way.
      const errorCode = codes.find((c) => c >= 400 && c <= 599 && c !== 444 && c !== 499 && c !== 408);
      const fix = { title: 'Append `always`', preferred: true, edits: [{ start: d.args[d.args.length - 1]!.end, end: d.args[d.args.length - 1]!.end, newText: ' always' }] };
      if (errorCode !== undefined) {
        report({
          start: d.nameStart,
          end: d.end,
          message:
            `${displayHeader(d)} is never sent: this block answers ${statusText(errorCode)}, and add_header without "always" only applies to ` +
            `200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 responses (measured: N5a, N5b).`,
          fixes: [fix],
        });
        continue;
      }
      const matters = ERROR_ONLY_HEADERS[name];
      // A block that answers 2xx/3xx itself (an OPTIONS handler sending Allow) is fine.
      if (!matters || codes.some((c) => c < 400)) continue;
      report({
        start: d.nameStart,
        end: d.end,
        message:
          `${displayHeader(d)} only matters on ${matters}, but add_header without "always" is skipped on every 4xx and 5xx response, ` +
          `so clients never get it where it counts (measured: N5a, N5b).`,
        fixes: [fix],
      });
    }
  },
};
