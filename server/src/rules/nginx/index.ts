import type { NginxFile } from '../../parsers/nginx';
import type { Rule } from '../../types';
import { allowAfterDenyAll } from './allowAfterDenyAll';

/** Every nginx rule, one file each. */
export const nginxRules: Rule<NginxFile>[] = [allowAfterDenyAll];
