/**
 * What Apache rules see: the parsed document plus what other files say about it, gathered once
 * at parse time (rules are synchronous and never read files themselves).
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { parseApache, type ApacheFile } from '../parsers/apache';
import type { ParseEnvironment } from '../types';
import { fileKindOf, type ApacheFileKind } from './apacheContext';
import { governingConfig, type GoverningConfig } from './apacheGoverning';
import { includeClosure, readOnce, type IncludedFile, type ResolvedInclude } from './apacheIncludes';

export interface ApacheParsed {
  file: ApacheFile;
  /** Filesystem path of the document (file: URIs only). */
  path?: string;
  kind: ApacheFileKind;
  /** This file's Include directives, resolved in the workspace. */
  includes: ResolvedInclude[];
  /** Files reached through includes. */
  included: IncludedFile[];
  /** Include directives (here or in included files) that matched nothing in the workspace. */
  unresolvedIncludes: number;
  /** For a .htaccess: the server config covering its folder, when the workspace holds one. */
  governing?: GoverningConfig;
}

function documentPath(document: TextDocument): string | undefined {
  if (!document.uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(document.uri);
  } catch {
    return undefined;
  }
}

export function analyseApache(document: TextDocument, environment: ParseEnvironment): ApacheParsed {
  const file = parseApache(document.getText());
  const filePath = documentPath(document);
  const kind = fileKindOf(filePath, file);
  const parsed: ApacheParsed = { file, kind, includes: [], included: [], unresolvedIncludes: 0 };
  if (filePath) parsed.path = filePath;
  if (!filePath) return parsed;
  // Other files are optional knowledge: a broken workspace must never break the document's analysis.
  try {
    if (kind === 'htaccess') {
      const governing = governingConfig(environment.files, filePath);
      if (governing) parsed.governing = governing;
    } else {
      const closure = includeClosure(readOnce(environment.files), filePath, file);
      parsed.includes = closure.includes;
      parsed.included = closure.files;
      parsed.unresolvedIncludes = closure.unresolved;
    }
  } catch (err) {
    console.error(`statuslens: reading files around ${filePath} failed: ${(err as Error).message}`);
  }
  return parsed;
}
