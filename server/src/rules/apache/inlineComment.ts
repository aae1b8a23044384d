import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { walkApache, type ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { eolOf, indentAt, lineRangeOf } from '../text';
import { refusalConsequence } from './shared';

/**
 * Apache has no trailing comments: after a directive, `#` and the words behind it are more
 * arguments. Some directives refuse them (A11a, A11b), others silently misread them (A11c, A11d).
 */
export const inlineComment: Rule<ApacheParsed> = {
  id: 'apache/inline-comment',
  family: 'apache',
  severity: 'error',
  check({ parsed, document, report }) {
    const text = document.getText();
    for (const d of walkApache(parsed.file.directives)) {
      const hash = d.args.findIndex((a) => !a.quote && a.raw.startsWith('#'));
      if (hash >= 0) {
        const arg = d.args[hash]!;
        const lastArg = d.args[d.args.length - 1]!;
        const commentEnd = d.section ? lastArg.end : d.end;
        const comment = text.slice(arg.start, commentEnd);
        const line = lineRangeOf(text, d.start, d.start);
        const fixes: Fix[] = [];
        // A comment that continues over a `\` line, or a section opener, is left to a human.
        if (!comment.includes('\n') && !d.section && hash > 0) {
          const cut = d.args[hash - 1]!.end;
          const eol = eolOf(text);
          fixes.push({
            title: 'Move the comment to its own line above',
            preferred: true,
            edits: [
              { start: line.start, end: line.start, newText: `${indentAt(text, d.start)}${comment.trimEnd()}${eol}` },
              { start: cut, end: commentEnd, newText: '' },
            ],
          });
        }
        // Keep the highlight on the directive's first line, where suppression comments apply.
        const firstLineEnd = text.indexOf('\n', d.start);
        const end = firstLineEnd >= 0 && commentEnd > firstLineEnd ? firstLineEnd : commentEnd;
        report({ start: arg.start < end ? arg.start : d.start, end, message: messageFor(d, hash, parsed), fixes });
      }
    }
  },
};

function messageFor(d: ApacheDirective, hash: number, parsed: ApacheParsed): string {
  const words = d.args.slice(hash).map((a) => a.value);
  const shown = words.length > 4 ? [...words.slice(0, 4), '…'] : words;
  const head = `Apache has no trailing comments: ${shown.map((w) => `\`${w}\``).join(', ')} become arguments of ${d.section ? `<${d.name}>` : d.name}.`;
  const kind = d.args[0]?.value.toLowerCase();
  if (d.lname === 'options') return `${head} Options refuses them ("Either all Options must start with + or -, or no Option may"): ${refusalConsequence(parsed)} (A11a).`;
  if (d.lname === 'require' && (kind === 'ip' || kind === 'host')) return `${head} Require ${kind} reads "#" as an address and refuses it: ${refusalConsequence(parsed)} (A11b).`;
  if (d.lname === 'require') return `${head} Require ${kind ?? ''} happens to ignore extra words (A11c), but the line does not say what it seems to; move the comment.`;
  if (d.lname === 'directoryindex') return `${head} They become more index file names to try (A11d): the directive is misread, not refused.`;
  return `${head} Depending on the directive Apache refuses them (${refusalConsequence(parsed)}; A11a, A11b) or silently misreads the line (A11c, A11d).`;
}
