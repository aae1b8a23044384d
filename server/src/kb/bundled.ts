import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnowledgeBase } from './knowledgeBase';
import type { KbIndex } from './types';

/** The knowledge base compiled at build time (`dist/kb.json`, next to the bundled server). */
export function loadBundledKb(file = path.join(__dirname, 'kb.json')): KnowledgeBase {
  const index = JSON.parse(fs.readFileSync(file, 'utf8')) as KbIndex;
  if (index.version !== 1 || !Array.isArray(index.pages)) throw new Error(`${file} is not a StatusLens knowledge-base index`);
  return KnowledgeBase.fromIndex(index);
}
