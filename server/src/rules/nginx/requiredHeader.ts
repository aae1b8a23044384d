/**
 * The shared check behind nginx/401-without-challenge and nginx/405-without-allow: a `return`
 * of a status whose response MUST carry a header, where no header of that name is sent
 * `always` (add_header without `always` is skipped on errors: N5a, N5b).
 */
import { isHttpLevel, type Level } from '../../analysis/nginxConfig';
import type { NginxDirective } from '../../parsers/nginx';
import type { Fix, RuleContext } from '../../types';
import {
  badPlacements,
  errorPageChanges,
  insertBefore,
  inDocument,
  returnCode,
  withInheritedHeaders,
  sendsHeaderOnErrors,
  type NginxParsed,
} from './support';
import { effective } from '../../analysis/nginxConfig';

export interface RequiredHeader {
  code: number;
  /** Lowercase header name. */
  header: string;
  display: string;
  /** Extra reasons to stay quiet at a level (an auth module in scope for 401). */
  exempt?(level: Level, d: NginxDirective, parsed: NginxParsed): boolean;
  /**
   * Whether the header may move up to the server when nginx refuses add_header where the return
   * is (an `if` at server level): fine for Allow, which any response may carry (RFC 9110 §10.2.1),
   * not for a challenge on every response.
   */
  headerOnServerOk: boolean;
  /** The header line to add (without `add_header`), e.g. `Allow "GET, HEAD" always`. */
  headerLine(d: NginxDirective): string;
  message(variant: 'missing' | 'without-always', note: string): string;
  extraFixes?(d: NginxDirective, parsed: NginxParsed): Fix[];
}

export function checkRequiredHeader(spec: RequiredHeader, { parsed, report }: RuleContext<NginxParsed>): void {
  for (const d of parsed.named('return')) {
    if (returnCode(d) !== spec.code) continue;
    let variant: 'missing' | 'without-always' = 'missing';
    const { placements, note } = badPlacements(parsed, (p) => {
      const level = parsed.levelOf(d.parent, p);
      if (!isHttpLevel(level) || errorPageChanges(level, spec.code)) return false;
      if (spec.exempt?.(level, d, parsed)) return false;
      const sent = sendsHeaderOnErrors(level, spec.header);
      if (sent === 'yes' || sent === 'unknown') return false;
      if (sent === 'without-always') variant = 'without-always';
      return true;
    });
    if (!placements.length) continue;
    report({ start: d.nameStart, end: d.end, message: spec.message(variant, note), fixes: [...headerFixes(spec, d, parsed, variant), ...(spec.extraFixes?.(d, parsed) ?? [])] });
  }
}

function headerFixes(spec: RequiredHeader, d: NginxDirective, parsed: NginxParsed, variant: 'missing' | 'without-always'): Fix[] {
  const p = parsed.placements[0]!;
  const level = parsed.levelOf(d.parent, p);
  if (variant === 'without-always') {
    // The header is there but skipped on errors: append `always` to it (when it is in this file).
    const look = effective(level, ['add_header']);
    if (look.kind !== 'set') return [];
    const edits = look.entries
      .filter((e) => e.directive.args[0]?.value.toLowerCase() === spec.header && e.file === parsed.doc)
      .map((e) => ({ start: e.directive.args[e.directive.args.length - 1]!.end, end: e.directive.args[e.directive.args.length - 1]!.end, newText: ' always' }));
    return edits.length ? [{ title: `Append \`always\` to the ${spec.display} add_header`, preferred: true, edits }] : [];
  }
  // add_header is not allowed in an `if` at server level: put it on the server, before that `if`.
  let anchor: NginxDirective = d;
  let target = level;
  if (level.context === 'if' && level.parent?.context !== 'location') {
    if (!spec.headerOnServerOk || !level.parent || !level.block) return [];
    const ifEntry = level.parent.entryOf(level.block);
    const ifInDoc = ifEntry && inDocument(parsed, ifEntry);
    if (!ifInDoc) return [];
    anchor = ifInDoc;
    target = level.parent;
  }
  if (!['location', 'if', 'server', 'http', 'limit_except', 'unknown'].includes(target.context)) return [];
  const lines = withInheritedHeaders(target, [`add_header ${spec.headerLine(d)};`]);
  return [{ title: `Add \`add_header ${spec.headerLine(d)};\``, preferred: true, edits: [insertBefore(parsed.text, anchor, lines)] }];
}
