import * as path from 'node:path';
import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { apacheDirective } from '../../analysis/apacheDirectives';
import type { GoverningConfig, SettingSource } from '../../analysis/apacheGoverning';
import type { Rule } from '../../types';
import { activeDirectives } from './shared';

/**
 * A .htaccess whose governing server config is in the workspace: a directive that the
 * `AllowOverride` in effect does not allow makes Apache answer 500 for the folder (A1c), and
 * `AllowOverride None` means the file is never read at all (A1b).
 */
export const overrideNotAllowed: Rule<ApacheParsed> = {
  id: 'apache/override-not-allowed',
  family: 'apache',
  severity: 'warning',
  check({ parsed, document, report }) {
    const g = parsed.governing;
    if (parsed.kind !== 'htaccess' || !g) return;
    const where = describe(g, parsed.path);
    if (g.setting.none) {
      const first = parsed.file.directives[0];
      const text = document.getText();
      const end = first ? (first.section?.openEnd ?? first.end) : Math.max(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
      report({
        start: first?.start ?? 0,
        end,
        severity: 'info',
        message: `${where.decided} covers this folder: Apache never reads this .htaccess, so none of its lines take effect (A1b). Allow the classes it needs there, or move its rules into that <Directory> block.`,
      });
      return;
    }
    const classes = g.setting.classes;
    const allowedNow = classes.size ? [...classes].join(' ') : 'None';
    for (const d of activeDirectives(parsed)) {
      const info = apacheDirective(d.name, !!d.section);
      // Unknown names and directives without a documented class are not ours to judge here.
      if (!info || !info.contexts.has('h') || !info.override.length) continue;
      if (g.setting.list.has(d.lname) || info.override.includes('All')) continue;
      const needed = info.override.filter((c) => c !== 'All');
      const shown = d.section ? `<${d.name}>` : d.name;
      if (!needed.some((c) => classes.has(c as never))) {
        report({
          start: d.start,
          end: d.section ? d.section.openEnd : d.end,
          message: g.setting.nonfatalOverride
            ? `${shown} needs AllowOverride ${needed.join(' or ')}, which ${where.decided} does not allow: with Nonfatal=Override Apache skips this line and logs a warning, so it has no effect.`
            : `${shown} needs AllowOverride ${needed.join(' or ')}, which ${where.decided} (AllowOverride ${allowedNow}) does not allow: Apache answers 500 Internal Server Error for every request under this folder ("${d.name} not allowed here", A1c). Add ${needed[0]} to that AllowOverride, or remove the line.`,
        });
        continue;
      }
      // `AllowOverride Options=Indexes,MultiViews`: only those options may be set.
      if (d.lname === 'options' && g.setting.options) {
        for (const a of d.args) {
          const option = a.value.replace(/^[+-]/, '').toLowerCase();
          if (g.setting.options.has(option) || option === 'none') continue;
          report({
            start: a.start,
            end: a.end,
            message: `Option ${a.value.replace(/^[+-]/, '')} is not in the AllowOverride Options=${[...g.setting.options].join(',')} of ${where.decided}: Apache answers 500 Internal Server Error for every request under this folder (A1c).`,
          });
        }
      }
    }
  },
};

function describe(g: GoverningConfig, htaccess: string | undefined): { decided: string } {
  const at = (s: SettingSource) => `${relative(s.path, htaccess)}:${s.line + 1}`;
  const dir = g.directory.text.trim().split('\n')[0]!.trim();
  return { decided: g.decidedBy ? `\`${g.decidedBy.text.trim()}\` (${at(g.decidedBy)}, in ${dir})` : `Apache's default AllowOverride None for ${dir} (${at(g.directory)})` };
}

/** A config path shown relative to the .htaccess's workspace neighbourhood (their common ancestor). */
function relative(file: string, htaccess: string | undefined): string {
  if (!htaccess) return file;
  const a = path.dirname(file).split(path.sep);
  const b = path.dirname(htaccess).split(path.sep);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i > 1 ? path.relative(a.slice(0, i).join(path.sep) || path.sep, file) : file;
}
