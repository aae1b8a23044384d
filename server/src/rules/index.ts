import type { Rule } from '../types';
import { apacheRules } from './apache';
import { nginxRules } from './nginx';
import { routesRules } from './routes';

/** Every rule of every family: the registry the meta-test, the CLI and SARIF metadata read. */
export const allRules: Rule<unknown>[] = [...(nginxRules as Rule<unknown>[]), ...(apacheRules as Rule<unknown>[]), ...(routesRules as Rule<unknown>[])];
