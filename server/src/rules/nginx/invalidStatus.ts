import type { Rule } from '../../types';
import { numericArg, type NginxParsed } from './support';

/**
 * Values that `nginx -t` refuses: it will not load the file at all. Measured: return above 999
 * (N10c), limit_req burst=0 (N4a); error_page codes outside 300-599 or 499, and *_status
 * outside 400-599 (conformance cases C-nginx-error-page-range, C-nginx-limit-status-range).
 */
export const invalidStatus: Rule<NginxParsed> = {
  id: 'nginx/invalid-status',
  family: 'nginx',
  severity: 'error',
  local: true,
  check({ parsed, report }) {
    const refuse = (start: number, end: number, message: string) => report({ start, end, message: `${message} nginx -t refuses the file, so nginx will not start or reload with it.` });
    for (const d of parsed.named('return')) {
      const code = numericArg(d.args[0]?.value);
      if (code !== undefined && code > 999 && !d.args[0]!.quote) refuse(d.args[0]!.start, d.args[0]!.end, `Invalid return code ${code}: codes above 999 are rejected (measured: N10c).`);
    }
    for (const d of parsed.named('error_page')) {
      const eq = d.args.findIndex((a) => a.value.startsWith('='));
      const codes = eq >= 0 ? d.args.slice(0, eq) : d.args.slice(0, -1);
      for (const a of codes) {
        const code = numericArg(a.value);
        if (code === undefined) continue;
        if (code === 499) refuse(a.start, a.end, 'error_page cannot take 499 (the code nginx logs when the client went away).');
        else if (code < 300 || code > 599) refuse(a.start, a.end, `error_page code ${code} is outside 300-599.`);
      }
    }
    for (const name of ['limit_req_status', 'limit_conn_status']) {
      for (const d of parsed.named(name)) {
        const code = numericArg(d.args[0]?.value);
        if (code !== undefined && (code < 400 || code > 599)) refuse(d.args[0]!.start, d.args[0]!.end, `${name} ${code} is outside 400-599.`);
      }
    }
    for (const d of parsed.named('limit_req')) {
      const burst = d.args.find((a) => /^burst=0+$/.test(a.value));
      if (burst) refuse(burst.start, burst.end, 'burst=0 is rejected ("invalid burst value", measured: N4a); leave burst out for the same effect.');
    }
  },
};
