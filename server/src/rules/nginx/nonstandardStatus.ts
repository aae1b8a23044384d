import type { Rule } from '../../types';
import { returnCode, type NginxParsed } from './support';

/**
 * `return 600` passes nginx -t but sends "HTTP/1.1 600 " with no reason phrase (N10b): a
 * code outside the 100-599 HTTP defines (RFC 9110 §15), which clients cannot classify.
 */
export const nonstandardStatus: Rule<NginxParsed> = {
  id: 'nginx/nonstandard-status',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('return')) {
      const code = returnCode(d);
      // Codes below 100 were not measured; 600-999 were (N10b).
      if (code === undefined || code < 600 || code > 999) continue;
      report({
        start: d.args[0]!.start,
        end: d.args[0]!.end,
        message:
          // The body is empty only when the return gives no text (N10b measured a bare `return 600`).
          `Clients get a status line "${code} " with no reason phrase${d.args.length > 1 ? '' : ' and an empty body'} (measured for 600: N10b). HTTP status codes run from 100 to 599 (RFC 9110 §15), ` +
          'so clients, proxies and monitors cannot tell what this means; nginx -t does not complain.',
      });
    }
  },
};
