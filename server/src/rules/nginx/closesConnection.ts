import type { Fix, Rule } from '../../types';
import { returnCode, type NginxParsed } from './support';

/**
 * `return 444` closes the connection without a response (N10a); nginx does the same for 499
 * and 408 (N10b), which people write expecting a status to be sent.
 */
export const closesConnection: Rule<NginxParsed> = {
  id: 'nginx/closes-connection',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check({ parsed, report }) {
    for (const d of parsed.named('return')) {
      const code = returnCode(d);
      const arg = d.args[0];
      if (!arg || (code !== 444 && code !== 499 && code !== 408)) continue;
      if (code === 444) {
        report({
          start: d.nameStart,
          end: d.end,
          severity: 'info',
          message:
            'return 444 sends nothing: nginx closes the connection, and clients see an empty reply (curl: "Empty reply from server"), not an HTTP status (measured: N10a). ' +
            'Fine for dropping scanners; a browser or API client gets a network error instead of an explanation.',
        });
        continue;
      }
      const instead = code === 408 ? { code: 400, name: 'Bad Request' } : { code: 403, name: 'Forbidden' };
      const fixes: Fix[] = [
        { title: `Answer ${instead.code} ${instead.name} instead (a response is sent)`, edits: [{ start: arg.start, end: arg.end, newText: String(instead.code) }] },
      ];
      report({
        start: d.nameStart,
        end: d.end,
        message:
          `Clients never see ${code}: for return ${code} nginx closes the connection without sending a response (measured: N10b, curl "Empty reply from server"). ` +
          `${code === 499 ? '499 is the code nginx logs when the client went away; it is not a status to send.' : '408 is what nginx logs when it times a client out; it does not send it.'} ` +
          'Write 444 if dropping the connection is the point, or a status that is sent (400, 403, 429).',
        fixes,
      });
    }
  },
};
