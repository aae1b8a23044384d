import type { RouteFile } from '../../parsers/routes/model';
import type { Rule } from '../../types';
import { carriesHeader, fix } from './shared';

/** Seconds the fix proposes; the title says to adjust it to the limiter's window. */
const DEFAULT_RETRY_AFTER = '60';

/**
 * A 429 without Retry-After. RFC 6585 §4: the response MAY include Retry-After saying how long to
 * wait; without it, well-behaved clients guess and retry too early (or give up). A hint, not a MUST.
 */
export const tooManyRequestsWithoutRetryAfter: Rule<RouteFile> = {
  id: 'routes/429-without-retry-after',
  family: 'routes',
  severity: 'hint',
  check({ parsed, report }) {
    for (const site of parsed.sites) {
      if (site.code !== 429 || carriesHeader(parsed, site, 'retry-after')) continue;
      const add = fix(`Add \`Retry-After: ${DEFAULT_RETRY_AFTER}\` (seconds; use the limiter's window)`, site.headerEdit('Retry-After', DEFAULT_RETRY_AFTER));
      report({
        start: site.start,
        end: site.end,
        message:
          '429 without Retry-After. RFC 6585 §4: a 429 may say how long to wait with Retry-After; without it clients guess, ' +
          'and usually retry too soon.',
        fixes: add ? [add] : [],
      });
    }
  },
};
