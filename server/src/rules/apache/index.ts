import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import type { Rule } from '../../types';
import { authWithoutRequire } from './authWithoutRequire';
import { denyRevealsExistence } from './denyRevealsExistence';
import { directiveNotAllowedHere } from './directiveNotAllowedHere';
import { errordocumentFullUrl } from './errordocumentFullUrl';
import { htFilesExposed } from './htFilesExposed';
import { indexesEnabled } from './indexesEnabled';
import { inlineComment } from './inlineComment';
import { legacyAccessControl } from './legacyAccessControl';
import { mixedAccessControl } from './mixedAccessControl';
import { overrideNotAllowed } from './overrideNotAllowed';
import { rewriteLeadingSlash } from './rewriteLeadingSlash';
import { rewriteSubstitutionIgnored } from './rewriteSubstitutionIgnored';

/** Every Apache rule, one file each. */
export const apacheRules: Rule<ApacheParsed>[] = [
  legacyAccessControl,
  mixedAccessControl,
  errordocumentFullUrl,
  directiveNotAllowedHere,
  overrideNotAllowed,
  rewriteLeadingSlash,
  indexesEnabled,
  inlineComment,
  authWithoutRequire,
  htFilesExposed,
  denyRevealsExistence,
  rewriteSubstitutionIgnored,
];
