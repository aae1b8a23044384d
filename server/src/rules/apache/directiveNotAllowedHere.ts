import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { allowedIn, contextOf } from '../../analysis/apacheContext';
import { apacheDirective, CONTEXT_NAMES, type ApacheDirectiveInfo } from '../../analysis/apacheDirectives';
import type { ApacheDirective } from '../../parsers/apache';
import type { Rule } from '../../types';
import { activeDirectives, refusalConsequence, WHERE_NAMES } from './shared';

/** Where to put directives that do not belong in a .htaccess. */
const HTACCESS_HINTS: Record<string, string> = {
  directory: 'A .htaccess already applies to its own folder: keep the directives and drop the <Directory> lines, or move the block to the server config.',
  directorymatch: 'A .htaccess already applies to its own folder: use <Files>/<FilesMatch> for files here, or move the block to the server config.',
  location: 'Use <Files>/<FilesMatch> or a RewriteRule here, or move the block to the server config.',
  locationmatch: 'Use <FilesMatch> or a RewriteRule here, or move the block to the server config.',
  alias: 'Move it to the server config or a <VirtualHost>; in a .htaccess a RewriteRule can map URLs instead.',
};

/**
 * A directive outside the contexts Apache allows it in. In a .htaccess that is a 500 for the whole
 * folder (A1c); in the server config, apache2 -t refuses the file. Contexts come from Apache's
 * reference, corrected by what `apache2 -t` accepts (see scripts/gen-apache-directives.ts --verify).
 */
export const directiveNotAllowedHere: Rule<ApacheParsed> = {
  id: 'apache/directive-not-allowed-here',
  family: 'apache',
  severity: 'error',
  check({ parsed, report }) {
    // Sections reported, and sections inside them: their content is reported once, with the section.
    const silenced = new Set<ApacheDirective>();
    for (const d of activeDirectives(parsed)) {
      if (d.parent && silenced.has(d.parent)) {
        if (d.section) silenced.add(d);
        continue;
      }
      const where = contextOf(d, parsed.kind);
      if (!where) continue;
      const info = apacheDirective(d.name, !!d.section);
      if (!info || allowedIn(info, where)) continue;
      if (d.section) silenced.add(d);
      const shown = d.section ? `<${d.name}>` : d.name;
      const hint = parsed.kind === 'htaccess' ? (HTACCESS_HINTS[d.lname] ?? 'Move it to the server config.') : `Move it to ${allowedPlaces(info)}.`;
      report({
        start: d.section ? d.start : d.nameStart,
        end: d.section ? d.section.openEnd : d.end,
        message: `${shown} is not allowed in ${WHERE_NAMES[where]} (Apache allows it in: ${allowedPlaces(info)}): ${refusalConsequence(parsed)}${parsed.kind === 'htaccess' ? ' (A1c)' : ''}. ${hint}`.trim(),
      });
    }
  },
};

function allowedPlaces(info: ApacheDirectiveInfo): string {
  const names = [...info.contexts].map((c) => CONTEXT_NAMES[c]);
  // Measured: documented "directory" but refused in <Directory>/<Files> (Alias, ProxyPass…): only <Location> takes it.
  if (info.contexts.has('d') && info.refused.has('d') && info.accepted.has('l')) names[names.indexOf('directory')] = '<Location>';
  return names.join(', ') || 'nowhere documented';
}
