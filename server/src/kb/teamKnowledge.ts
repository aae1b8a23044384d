/**
 * A team's own knowledge-base folders (setting `statuslens.knowledgeBase.paths`): same parser
 * and schema as the built-in pages, loaded at run time. Their pages extend or override the
 * built-in ones; a broken page is reported as a problem on its file, never thrown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnowledgeBase, loadFolder } from './knowledgeBase';
import type { KbProblem } from './types';

export interface TeamKnowledge {
  kb: KnowledgeBase;
  problems: KbProblem[];
  /** The folders that were read (absolute). */
  folders: string[];
}

export interface TeamKnowledgeOptions {
  /** As configured: absolute, `~/...`, or relative to the first workspace folder. */
  paths: string[];
  workspaceRoots: string[];
  /** In an untrusted workspace, folders inside the workspace are not loaded. */
  trusted: boolean;
  home?: string;
}

function resolveKnowledgeFolders(options: TeamKnowledgeOptions): { folders: string[]; refused: string[] } {
  const folders: string[] = [];
  const refused: string[] = [];
  for (const raw of options.paths) {
    if (typeof raw !== 'string' || !raw.trim()) continue;
    let p = raw.trim();
    if (p.startsWith('~/') && options.home) p = path.join(options.home, p.slice(2));
    if (!path.isAbsolute(p)) {
      if (!options.workspaceRoots[0]) continue;
      p = path.join(options.workspaceRoots[0], p);
    }
    p = path.normalize(p);
    const insideWorkspace = options.workspaceRoots.some((r) => p === r || p.startsWith(r + path.sep));
    if (insideWorkspace && !options.trusted) refused.push(p);
    else folders.push(p);
  }
  return { folders, refused };
}

export function loadTeamKnowledge(builtin: KnowledgeBase, options: TeamKnowledgeOptions): TeamKnowledge & { refused: string[] } {
  const { folders, refused } = resolveKnowledgeFolders(options);
  const known = new Set(builtin.pages.map((p) => p.id));
  const problems: KbProblem[] = [];
  const pages = [];
  for (const folder of folders) {
    if (!fs.existsSync(folder)) {
      problems.push({ file: folder, line: 1, column: 1, message: `knowledge-base folder "${folder}" does not exist` });
      continue;
    }
    const loaded = loadFolder(folder, known);
    problems.push(...loaded.problems);
    pages.push(...loaded.pages);
  }
  return { kb: builtin.withOverrides(pages), problems, folders, refused };
}
