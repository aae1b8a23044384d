import type { RouteFile } from '../../parsers/routes';
import type { Rule } from '../../types';
import { forbiddenForMissingAuth } from './forbiddenForMissingAuth';
import { methodNotAllowedWithoutAllow } from './methodNotAllowedWithoutAllow';
import { proxyAuthFromOrigin } from './proxyAuthFromOrigin';
import { tooManyRequestsWithoutRetryAfter } from './tooManyRequestsWithoutRetryAfter';
import { unauthorizedForPermission } from './unauthorizedForPermission';
import { unauthorizedWithoutChallenge } from './unauthorizedWithoutChallenge';

/** Every route-file rule, one file each. */
export const routesRules: Rule<RouteFile>[] = [
  forbiddenForMissingAuth,
  unauthorizedForPermission,
  unauthorizedWithoutChallenge,
  methodNotAllowedWithoutAllow,
  proxyAuthFromOrigin,
  tooManyRequestsWithoutRetryAfter,
];
