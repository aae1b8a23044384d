import type { Rule } from '../../types';
import { addHeaderDropsInherited } from './addHeaderDropsInherited';
import { addHeaderMissingAlways } from './addHeaderMissingAlways';
import { allowAfterDenyAll } from './allowAfterDenyAll';
import { closesConnection } from './closesConnection';
import { denyRevealsExistence } from './denyRevealsExistence';
import { errorPageDenied } from './errorPageDenied';
import { errorPageMasksStatus } from './errorPageMasksStatus';
import { hiddenFilesBlockWellKnown } from './hiddenFilesBlockWellKnown';
import { invalidStatus } from './invalidStatus';
import { limitStatus503 } from './limitStatus503';
import { methodNotAllowedWithoutAllow } from './methodNotAllowedWithoutAllow';
import { nonstandardStatus } from './nonstandardStatus';
import { satisfyAllIpAndPassword } from './satisfyAllIpAndPassword';
import type { NginxParsed } from './support';
import { unauthorizedWithoutChallenge } from './unauthorizedWithoutChallenge';

/** Every nginx rule, one file each. */
export const nginxRules: Rule<NginxParsed>[] = [
  allowAfterDenyAll,
  limitStatus503,
  addHeaderMissingAlways,
  unauthorizedWithoutChallenge,
  methodNotAllowedWithoutAllow,
  errorPageMasksStatus,
  hiddenFilesBlockWellKnown,
  addHeaderDropsInherited,
  closesConnection,
  invalidStatus,
  denyRevealsExistence,
  nonstandardStatus,
  errorPageDenied,
  satisfyAllIpAndPassword,
];
