/** Where Apache directives carry HTTP status codes (for hovers and rules). */
import type { ApacheArg, ApacheDirective } from '../parsers/apache';

/** Statuses carried by RewriteRule flags: F is 403, G is 410, R=nnn is nnn (A5b), R=permanent|temp|seeother. */
export function rewriteFlagStatuses(arg: ApacheArg): { code: number; start: number; end: number }[] {
  const raw = arg.value;
  if (!/^\[.*\]$/.test(raw)) return [];
  const out: { code: number; start: number; end: number }[] = [];
  // Offsets of the value inside the argument: quotes shift them by one.
  const base = arg.start + (arg.quote ? 1 : 0);
  let pos = 1;
  for (const flag of raw.slice(1, -1).split(',')) {
    const f = flag.trim();
    const lead = flag.length - flag.trimStart().length;
    const start = base + pos + lead;
    const m = /^(?:R|redirect)=(\d{3}|permanent|temp|seeother)$/i.exec(f);
    const named: Record<string, number> = { permanent: 301, temp: 302, seeother: 303 };
    if (m) out.push({ code: named[m[1]!.toLowerCase()] ?? Number(m[1]), start: start + f.indexOf('=') + 1, end: start + f.length });
    else if (/^(F|forbidden)$/i.test(f)) out.push({ code: 403, start, end: start + f.length });
    else if (/^(G|gone)$/i.test(f)) out.push({ code: 410, start, end: start + f.length });
    pos += flag.length + 1;
  }
  return out;
}

/** The status code an argument stands for, when its directive makes it a status. */
export function apacheStatusArg(d: ApacheDirective, arg: ApacheArg, index: number): number | undefined {
  const m = /^\d{3}$/.exec(arg.value);
  switch (d.lname) {
    case 'errordocument':
      return index === 0 && m ? Number(arg.value) : undefined;
    case 'redirect':
    case 'redirectmatch':
      // `Redirect [status] URL-path URL`: status is a number or permanent/temp/seeother/gone.
      if (index !== 0 || d.args.length < 2) return undefined;
      if (m) return Number(arg.value);
      return { permanent: 301, temp: 302, seeother: 303, gone: 410 }[arg.value.toLowerCase()];
    default:
      return undefined;
  }
}
