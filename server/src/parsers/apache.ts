/**
 * An error-tolerant Apache httpd configuration / .htaccess parser. Never throws.
 * Apache reads a config line by line: a directive per logical line (a trailing `\` joins
 * the next one), `<Section args>` ... `</Section>` containers, and `#` comments that
 * must stand on a line of their own (a `#` after a directive is just another argument).
 * Words are split the way `ap_getword_conf` does it, and `${VAR}` is replaced by the value
 * of an earlier `Define VAR value` (Apache resolves those while reading the file).
 */

export interface ApacheArg {
  /** The value as Apache sees it: quotes removed, `\"` and `\\` unescaped, `${VAR}` of a `Define` resolved. */
  value: string;
  /** The argument's text as written (quotes included). */
  raw: string;
  start: number;
  end: number;
  quote?: '"' | "'";
}

export interface ApacheDirective {
  /** As written; Apache compares names case-insensitively (see `lname`). For sections, without `<`. */
  name: string;
  lname: string;
  nameStart: number;
  nameEnd: number;
  args: ApacheArg[];
  /** The logical line, continuations included (for a section: through `</Name>`). */
  start: number;
  end: number;
  /** Set for `<Section>` containers. */
  section?: ApacheSection;
  parent?: ApacheDirective;
}

export interface ApacheSection {
  /** Offset of the end of the opening line. */
  openEnd: number;
  /** The closing `</Name>` tag, when present. */
  closeStart?: number;
  closeEnd?: number;
  children: ApacheDirective[];
}

export interface ApacheComment {
  text: string;
  start: number;
  end: number;
}

export interface ApacheSyntaxError {
  message: string;
  start: number;
  end: number;
}

export interface ApacheFile {
  directives: ApacheDirective[];
  comments: ApacheComment[];
  errors: ApacheSyntaxError[];
  /** `Define` variables in effect at the end of the file. */
  defines: Map<string, string>;
}

/**
 * One logical line. `text` is the physical lines joined (each `\`+newline becomes a space, as
 * Apache does); `segments` (only for continued lines) map indexes of `text` back to the document.
 */
interface LogicalLine {
  text: string;
  start: number;
  end: number;
  /** [index in text, document offset] pairs, ascending; undefined when text is one physical line. */
  segments?: [number, number][];
}

/** The document offset of index `k` of a logical line's text. */
function offsetOf(line: LogicalLine, k: number): number {
  if (k >= line.text.length) return line.end;
  const segs = line.segments;
  if (!segs) return line.start + k;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid]![0] <= k) lo = mid;
    else hi = mid - 1;
  }
  return segs[lo]![1] + (k - segs[lo]![0]);
}

function* logicalLines(src: string): Generator<LogicalLine> {
  const n = src.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let segments: [number, number][] | undefined;
    let text = '';
    let end: number;
    for (;;) {
      let nl = src.indexOf('\n', i);
      if (nl < 0) nl = n;
      let lineEnd = nl > i && src.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      end = lineEnd;
      const continued = lineEnd > i && src.charCodeAt(lineEnd - 1) === 92 /* \ */ && nl < n;
      if (continued) lineEnd--;
      if (segments || continued) {
        segments ??= [];
        segments.push([text.length, i]);
        text += src.slice(i, lineEnd);
      } else {
        text = src.slice(i, lineEnd);
      }
      i = nl + 1;
      if (!continued) break;
      // The joining space maps to the backslash.
      segments!.push([text.length, lineEnd]);
      text += ' ';
    }
    yield segments ? { text, start, end, segments } : { text, start, end };
  }
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\f' || c === '\v';

/** `${VAR}` replaced by defined values; undefined names stay as written (Apache warns and keeps them). */
function resolveDefines(value: string, defines: ReadonlyMap<string, string>): string {
  if (!value.includes('${') || defines.size === 0) return value;
  return value.replace(/\$\{([A-Za-z0-9_:.-]+)\}/g, (whole, name: string) => defines.get(name) ?? whole);
}

/**
 * Splits `text[from, to)` into words like `ap_getword_conf`: a word starting with a quote runs to
 * the matching quote, where only `\\` and a backslash before that quote are escapes; any other
 * word runs to the next blank. A quote inside an unquoted word is literal.
 */
function splitArgs(line: LogicalLine, from: number, to: number, defines: ReadonlyMap<string, string>): ApacheArg[] {
  const args: ApacheArg[] = [];
  const t = line.text;
  let i = from;
  while (i < to) {
    while (i < to && isSpace(t[i])) i++;
    if (i >= to) break;
    const s = i;
    const q = t[i];
    let value: string;
    let quote: '"' | "'" | undefined;
    if (q === '"' || q === "'") {
      quote = q;
      const from = ++i;
      let escaped = false;
      while (i < to && t[i] !== q) {
        if (t[i] === '\\' && i + 1 < to && (t[i + 1] === q || t[i + 1] === '\\')) {
          escaped = true;
          i += 2;
        } else i++;
      }
      const body = t.slice(from, Math.min(i, to));
      value = escaped ? body.replace(q === '"' ? /\\(["\\])/g : /\\(['\\])/g, '$1') : body;
      // An unterminated quote is no error for Apache: the word runs to the end of the line.
      if (i < to) i++;
    } else {
      while (i < to && !isSpace(t[i])) i++;
      const word = t.slice(s, i);
      value = word.includes('\\\\') ? word.replace(/\\\\/g, '\\') : word;
    }
    const arg: ApacheArg = { value: resolveDefines(value, defines), raw: t.slice(s, i), start: offsetOf(line, s), end: offsetOf(line, i) };
    if (quote) arg.quote = quote;
    args.push(arg);
  }
  return args;
}

export function parseApache(src: string): ApacheFile {
  const root: ApacheDirective[] = [];
  const comments: ApacheComment[] = [];
  const errors: ApacheSyntaxError[] = [];
  const defines = new Map<string, string>();
  const stack: ApacheDirective[] = [];
  const current = () => (stack.length ? stack[stack.length - 1]!.section!.children : root);
  const close = (d: ApacheDirective, start: number, end: number) => {
    d.section!.closeStart = start;
    d.section!.closeEnd = end;
    d.end = end;
  };

  for (const line of logicalLines(src)) {
    const t = line.text;
    let i = 0;
    while (i < t.length && isSpace(t[i])) i++;
    if (i >= t.length) continue;
    if (t[i] === '#') {
      comments.push({ text: t.slice(i + 1), start: offsetOf(line, i), end: line.end });
      continue;
    }
    if (t[i] === '<' && t[i + 1] === '/') {
      const m = /^<\/\s*([^\s>]*)\s*>?/.exec(t.slice(i));
      const name = m?.[1] ?? '';
      const lname = name.toLowerCase();
      const start = offsetOf(line, i);
      const top = stack[stack.length - 1];
      if (top && top.lname === lname) {
        stack.pop();
        close(top, start, line.end);
      } else if (stack.some((d) => d.lname === lname)) {
        // Closing an outer section: the inner ones were left open.
        while (stack.length && stack[stack.length - 1]!.lname !== lname) {
          const open = stack.pop()!;
          errors.push({ message: `<${open.name}> is not closed before </${name}>`, start: open.start, end: open.section!.openEnd });
          open.end = start;
        }
        close(stack.pop()!, start, line.end);
      } else {
        errors.push({ message: top ? `</${name}> does not match the open <${top.name}> (expected </${top.name}>)` : `</${name}> closes a section that was never opened`, start, end: line.end });
      }
      continue;
    }
    if (t[i] === '<') {
      // Apache takes the args up to the LAST `>` of the line and ignores what follows it.
      const gt = t.lastIndexOf('>');
      let j = i + 1;
      while (j < t.length && !isSpace(t[j]) && t[j] !== '>') j++;
      const name = t.slice(i + 1, j);
      if (gt <= i) errors.push({ message: `<${name} is missing its closing ">"`, start: offsetOf(line, i), end: line.end });
      const d: ApacheDirective = {
        name,
        lname: name.toLowerCase(),
        nameStart: offsetOf(line, i + 1),
        nameEnd: offsetOf(line, j),
        args: splitArgs(line, j, gt > i ? gt : t.length, defines),
        start: offsetOf(line, i),
        end: line.end,
        section: { openEnd: line.end, children: [] },
        parent: stack[stack.length - 1],
      };
      current().push(d);
      stack.push(d);
      continue;
    }
    let j = i;
    while (j < t.length && !isSpace(t[j])) j++;
    const name = t.slice(i, j);
    const d: ApacheDirective = {
      name,
      lname: name.toLowerCase(),
      nameStart: offsetOf(line, i),
      nameEnd: offsetOf(line, j),
      args: splitArgs(line, j, t.length, defines),
      start: offsetOf(line, i),
      end: line.end,
      parent: stack[stack.length - 1],
    };
    current().push(d);
    if (d.lname === 'define' && d.args.length >= 1) defines.set(d.args[0]!.value, d.args[1]?.value ?? '');
    else if (d.lname === 'undefine' && d.args.length >= 1) defines.delete(d.args[0]!.value);
  }
  for (const open of stack.reverse()) {
    errors.push({ message: `<${open.name}> is never closed: add </${open.name}>`, start: open.start, end: open.section!.openEnd });
    open.end = src.length;
  }
  return { directives: root, comments, errors, defines };
}

/**
 * Every directive in document order, looking into the sections `into` accepts (all by default).
 * Iterative: a pathological nesting depth must not overflow the stack.
 */
export function* walkApache(directives: ApacheDirective[], into: (section: ApacheDirective) => boolean = () => true): Generator<ApacheDirective> {
  const stack: { list: ApacheDirective[]; index: number }[] = [{ list: directives, index: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.index >= top.list.length) {
      stack.pop();
      continue;
    }
    const d = top.list[top.index++]!;
    yield d;
    if (d.section?.children.length && into(d)) stack.push({ list: d.section.children, index: 0 });
  }
}

/** The innermost directive whose name or an argument covers `offset`. */
export function apacheNodeAt(file: ApacheFile, offset: number): { directive: ApacheDirective; arg?: ApacheArg; argIndex?: number; onName: boolean } | undefined {
  let list = file.directives;
  for (;;) {
    const d = findCovering(list, offset);
    if (!d) return undefined;
    if (offset >= d.nameStart && offset <= d.nameEnd) return { directive: d, onName: true };
    const argIndex = d.args.findIndex((a) => a.start <= offset && offset <= a.end);
    if (argIndex >= 0) return { directive: d, arg: d.args[argIndex]!, argIndex, onName: false };
    if (d.section) {
      list = d.section.children;
      continue;
    }
    return undefined;
  }
}

/** Binary search over siblings, which are in document order. */
function findCovering(list: ApacheDirective[], offset: number): ApacheDirective | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = list[mid]!;
    if (offset < d.start) hi = mid - 1;
    else if (offset > d.end) lo = mid + 1;
    else return d;
  }
  return undefined;
}
