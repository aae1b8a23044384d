/**
 * Fixture expectations written in the fixture itself:
 *   return 401;   # expect: nginx/401-without-challenge        (this line must fire)
 *   # expect-next-line: apache/inline-comment                   (the next line must fire; Apache has no trailing comments)
 *   // expect: routes/403-for-missing-auth                       (route files: // or #)
 * A marker may list several ids separated by commas.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const MARKER = /(?:#|\/\/)\s*expect(-next-line)?:\s*([a-z]+\/[a-z0-9-]+(?:\s*,\s*[a-z]+\/[a-z0-9-]+)*)/g;

export interface Expectation {
  line: number; // 0-based
  ruleId: string;
}

export function expectationsIn(text: string): Expectation[] {
  const out: Expectation[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const m of line.matchAll(MARKER)) {
      const target = m[1] ? i + 1 : i;
      for (const id of m[2]!.split(',')) out.push({ line: target, ruleId: id.trim() });
    }
  });
  return out;
}

/** Files of a rule's fixture folder: `fires.*` must fire where marked, `quiet.*` must not fire at all. */
export function fixtureFiles(family: string, ruleName: string, root: string): { fires: string[]; quiet: string[] } {
  const dir = path.join(root, 'test', 'fixtures', family, ruleName);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const pick = (prefix: string) => files.filter((f) => f.startsWith(prefix)).map((f) => path.join(dir, f));
  return { fires: pick('fires'), quiet: pick('quiet') };
}
