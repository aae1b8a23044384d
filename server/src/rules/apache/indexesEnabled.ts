import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import type { ApacheArg } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { activeDirectives } from './shared';

/**
 * `Options Indexes` / `+Indexes` (or `All`, which includes it): a folder without an index file
 * answers 200 with a listing of its files (A3b) instead of 403 (A3a).
 */
export const indexesEnabled: Rule<ApacheParsed> = {
  id: 'apache/indexes-enabled',
  family: 'apache',
  severity: 'warning',
  check({ parsed, report }) {
    for (const d of activeDirectives(parsed)) {
      if (d.lname !== 'options' || !d.args.length) continue;
      const prefixed = d.args.some((a) => /^[+-]/.test(a.value));
      // Options are applied left to right; the last word about Indexes wins.
      let enabling: ApacheArg | undefined;
      for (const a of d.args) {
        const v = a.value.toLowerCase();
        if (v === 'indexes' || v === '+indexes' || (v === 'all' && !prefixed)) enabling = a;
        else if (v === '-indexes' || (!prefixed && v === 'none')) enabling = undefined;
      }
      if (!enabling) continue;
      const isAll = enabling.value.toLowerCase() === 'all';
      const fixes: Fix[] = [];
      if (enabling.value.startsWith('+')) {
        fixes.push({ title: 'Turn the listing off (`-Indexes`)', preferred: true, edits: [{ start: enabling.start, end: enabling.end, newText: '-Indexes' }] });
      } else if (!isAll) {
        // A list without +/- sets exactly those options: drop Indexes from it (`-Indexes` may not be mixed in).
        const others = d.args.filter((a) => a !== enabling && a.value.toLowerCase() !== 'indexes');
        const edit =
          others.length === 0
            ? { start: d.args[0]!.start, end: d.args[d.args.length - 1]!.end, newText: 'None' }
            : removeWord(d.args, enabling);
        fixes.push({ title: others.length ? 'Remove `Indexes` from the options' : 'Turn every option off (`Options None`)', preferred: true, edits: [edit] });
      }
      report({
        start: enabling.start,
        end: enabling.end,
        message:
          `${isAll ? '`Options All` includes Indexes: d' : 'D'}irectory listing is on. A folder without an index file answers 200 with a list of its files (A3b) ` +
          'instead of 403 (A3a), so backups, uploads and stray files can be browsed.' +
          (isAll ? ' List the options you need instead of All, without Indexes.' : ''),
        fixes,
      });
    }
  },
};

/** An edit removing one word of an argument list together with the blank before it (or after it, for the first). */
function removeWord(args: ApacheArg[], word: ApacheArg) {
  const i = args.indexOf(word);
  return i > 0 ? { start: args[i - 1]!.end, end: word.end, newText: '' } : { start: word.start, end: args[i + 1]!.start, newText: '' };
}
