import { allowedMethods } from '../../parsers/routes/syntax';
import type { RouteFile } from '../../parsers/routes/model';
import type { Rule } from '../../types';
import { carriesHeader, fix } from './shared';

/**
 * A 405 with no Allow header. RFC 9110 §15.5.6: the origin server MUST generate an Allow header
 * listing the methods the target resource supports. The fix adds the methods read from the
 * branch's own method tests, when there are any.
 */
export const methodNotAllowedWithoutAllow: Rule<RouteFile> = {
  id: 'routes/405-without-allow',
  family: 'routes',
  severity: 'warning',
  check({ parsed, report }) {
    for (const site of parsed.sites) {
      if (site.code !== 405 || carriesHeader(parsed, site, 'allow')) continue;
      const methods = allowedMethods(site.guards);
      const add = methods.length ? fix(`Add \`Allow: ${methods.join(', ')}\``, site.headerEdit('Allow', methods.join(', '))) : undefined;
      report({
        start: site.start,
        end: site.end,
        message:
          '405 without an Allow header. RFC 9110 §15.5.6: a 405 MUST list the methods the resource supports in Allow' +
          (methods.length ? ` (here: ${methods.join(', ')}).` : '.'),
        fixes: add ? [add] : [],
      });
    }
  },
};
