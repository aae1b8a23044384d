import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KnowledgeBase, loadFolder } from '../../server/src/kb/knowledgeBase';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import type { Settings } from '../../server/src/types';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CONTENT = path.join(ROOT, 'content');
export const SHARED = path.resolve(ROOT, '..', 'shared');

let kbCache: KnowledgeBase | undefined;
/** The project's knowledge base, parsed from content/ by the same loader as the build. */
export function projectKb(): KnowledgeBase {
  if (!kbCache) {
    const { pages, problems } = loadFolder(CONTENT);
    if (problems.length) throw new Error(`content/ has problems:\n${problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
    kbCache = new KnowledgeBase(pages);
  }
  return kbCache;
}

export function service(settings?: Settings, kb: KnowledgeBase = projectKb()): LanguageService {
  return createLanguageService({ kb, ...(settings ? { settings } : {}), docsBaseUri: 'file:///statuslens/content' });
}

const LANGUAGE_BY_EXT: Record<string, string> = {
  '.conf': 'nginx', '.nginx': 'nginx', '.htaccess': 'apacheconf', '.apache': 'apacheconf',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.ts': 'typescript', '.tsx': 'typescriptreact', '.py': 'python', '.php': 'php', '.rb': 'ruby', '.go': 'go',
};

let nextVersion = 1;

/**
 * A document for a fixture file; the language comes from the extension (or `languageId`).
 * Each call gets a new version, as an editor would give an edited document.
 */
export function documentFor(file: string, text = fs.readFileSync(file, 'utf8'), languageId?: string): TextDocument {
  const base = path.basename(file);
  const ext = base === '.htaccess' || base.endsWith('.htaccess') ? '.htaccess' : path.extname(file);
  const lang = languageId ?? (file.includes(`${path.sep}apache${path.sep}`) && ext === '.conf' ? 'apacheconf' : LANGUAGE_BY_EXT[ext] ?? 'plaintext');
  return TextDocument.create(`file://${file}`, lang, nextVersion++, text);
}

/** `|` marks the cursor in test input (the vscode-css-languageservice habit). */
export function withCursor(text: string): { text: string; offset: number } {
  const offset = text.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker in test input');
  return { text: text.slice(0, offset) + text.slice(offset + 1), offset };
}
