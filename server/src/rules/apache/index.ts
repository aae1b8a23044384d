import type { ApacheFile } from '../../parsers/apache';
import type { Rule } from '../../types';

/** Every Apache rule, one file each. */
export const apacheRules: Rule<ApacheFile>[] = [];
