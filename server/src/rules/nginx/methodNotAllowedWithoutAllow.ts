import type { NginxDirective } from '../../parsers/nginx';
import type { Rule } from '../../types';
import { checkRequiredHeader } from './requiredHeader';
import type { NginxParsed } from './support';

/** The methods an `if ($request_method !~ ^(GET|HEAD)$)` lets through, when that is how the 405 is made. */
export function allowedMethods(d: NginxDirective): string[] | undefined {
  const cond = d.parent?.name === 'if' ? d.parent.args.map((a) => a.value).join(' ') : '';
  const m = /\$request_method\s*!~\s*["']?\^?(?:\((?:\?:)?)?((?:[A-Z]+\|)*[A-Z]+)\)?\$?["']?\s*\)?\s*$/.exec(cond);
  return m ? m[1]!.split('|') : undefined;
}

/** `return 405` must carry an Allow header (RFC 9110 §15.5.6), sent `always` to reach a 405 (N5a). */
export const methodNotAllowedWithoutAllow: Rule<NginxParsed> = {
  id: 'nginx/405-without-allow',
  family: 'nginx',
  severity: 'warning',
  local: true,
  check(context) {
    checkRequiredHeader(
      {
        code: 405,
        header: 'allow',
        headerOnServerOk: true,
        display: 'Allow',
        headerLine: (d) => `Allow "${(allowedMethods(d) ?? ['GET', 'HEAD']).join(', ')}" always`,
        message: (variant, note) =>
          variant === 'without-always'
            ? `Clients get 405 Method Not Allowed without the Allow header RFC 9110 §15.5.6 requires: the add_header for it lacks "always", and add_header is skipped on 4xx responses (measured: N5a)${note}.`
            : `Clients get 405 Method Not Allowed with no Allow header naming the methods that work, which RFC 9110 §15.5.6 requires${note}. ` +
              `Send it with add_header Allow "…" always (without "always" it is skipped on 4xx: N5a).`,
      },
      context,
    );
  },
};
