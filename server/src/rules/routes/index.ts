import type { RouteFile } from '../../parsers/routes';
import type { Rule } from '../../types';

/** Every route-file rule, one file each. */
export const routesRules: Rule<RouteFile>[] = [];
