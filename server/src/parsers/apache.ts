/**
 * An error-tolerant Apache httpd configuration / .htaccess parser. Never throws.
 * Apache reads a config line by line: a directive per logical line (a trailing `\` joins
 * the next one), `<Section args>` ... `</Section>` containers, and `#` comments that
 * must stand on a line of their own.
 */

export interface ApacheArg {
  /** The value as Apache sees it: surrounding quotes removed. */
  value: string;
  start: number;
  end: number;
  quote?: '"' | "'";
}

export interface ApacheDirective {
  /** As written; Apache compares names case-insensitively (see `lname`). */
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
  /** Offset of the end of the opening line (`>`). */
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
}

interface LogicalLine {
  /** Text with continuations joined (the `\` and newline replaced by a space). */
  text: string;
  /** Offsets in the document of each char of `text`. */
  map: number[];
  start: number;
  end: number;
}

function* logicalLines(src: string): Generator<LogicalLine> {
  let i = 0;
  const n = src.length;
  while (i < n) {
    let text = '';
    const map: number[] = [];
    const start = i;
    let end = i;
    for (;;) {
      let nl = src.indexOf('\n', i);
      if (nl < 0) nl = n;
      let lineEnd = nl > i && src[nl - 1] === '\r' ? nl - 1 : nl;
      end = lineEnd;
      const continued = lineEnd > i && src[lineEnd - 1] === '\\' && nl < n;
      if (continued) lineEnd--;
      for (let k = i; k < lineEnd; k++) {
        text += src[k];
        map.push(k);
      }
      i = nl + 1;
      if (!continued) break;
      text += ' ';
      map.push(lineEnd);
    }
    map.push(end);
    yield { text, map, start, end };
  }
}

function splitArgs(line: LogicalLine, from: number, to: number, errors: ApacheSyntaxError[]): ApacheArg[] {
  const args: ApacheArg[] = [];
  const t = line.text;
  let i = from;
  while (i < to) {
    while (i < to && (t[i] === ' ' || t[i] === '\t')) i++;
    if (i >= to) break;
    const s = i;
    const q = t[i];
    if (q === '"' || q === "'") {
      i++;
      let value = '';
      while (i < to && t[i] !== q) {
        if (t[i] === '\\' && i + 1 < to) {
          value += t[i + 1];
          i += 2;
          continue;
        }
        value += t[i++];
      }
      if (i >= to) errors.push({ message: 'unterminated quoted argument', start: line.map[s]!, end: line.map[to]! });
      else i++;
      args.push({ value, start: line.map[s]!, end: line.map[i] ?? line.end, quote: q });
    } else {
      while (i < to && t[i] !== ' ' && t[i] !== '\t') i++;
      args.push({ value: t.slice(s, i), start: line.map[s]!, end: line.map[i] ?? line.end });
    }
  }
  return args;
}

export function parseApache(src: string): ApacheFile {
  const root: ApacheDirective[] = [];
  const comments: ApacheComment[] = [];
  const errors: ApacheSyntaxError[] = [];
  const stack: ApacheDirective[] = [];
  const current = () => (stack.length ? stack[stack.length - 1]!.section!.children : root);

  for (const line of logicalLines(src)) {
    const t = line.text;
    let i = 0;
    while (i < t.length && (t[i] === ' ' || t[i] === '\t')) i++;
    if (i >= t.length) continue;
    if (t[i] === '#') {
      comments.push({ text: t.slice(i + 1), start: line.map[i]!, end: line.end });
      continue;
    }
    if (t[i] === '<' && t[i + 1] === '/') {
      const m = /^<\/\s*([^\s>]+)\s*>?/.exec(t.slice(i));
      const name = m?.[1] ?? '';
      const start = line.map[i]!;
      const top = stack[stack.length - 1];
      if (top && top.lname === name.toLowerCase()) {
        stack.pop();
        top.section!.closeStart = start;
        top.section!.closeEnd = line.end;
        top.end = line.end;
      } else if (stack.some((d) => d.lname === name.toLowerCase())) {
        // Closing an outer section: the inner ones were left open.
        while (stack.length && stack[stack.length - 1]!.lname !== name.toLowerCase()) {
          const open = stack.pop()!;
          errors.push({ message: `<${open.name}> is not closed before </${name}>`, start: open.nameStart - 1, end: open.section!.openEnd });
          open.end = start;
        }
        const top2 = stack.pop()!;
        top2.section!.closeStart = start;
        top2.section!.closeEnd = line.end;
        top2.end = line.end;
      } else {
        errors.push({ message: top ? `</${name}> does not match the open <${top.name}>` : `</${name}> closes a section that was never opened`, start, end: line.end });
      }
      continue;
    }
    if (t[i] === '<') {
      const close = t.lastIndexOf('>');
      const body = close > i ? t.slice(i + 1, close) : t.slice(i + 1);
      const m = /^(\S+)/.exec(body);
      const name = m?.[1] ?? '';
      const nameStart = line.map[i + 1]!;
      if (close <= i) errors.push({ message: `<${name} is missing its closing ">"`, start: line.map[i]!, end: line.end });
      const argsFrom = i + 1 + name.length;
      const d: ApacheDirective = {
        name,
        lname: name.toLowerCase(),
        nameStart,
        nameEnd: line.map[i + 1 + name.length] ?? line.end,
        args: splitArgs(line, argsFrom, close > i ? close : t.length, errors),
        start: line.map[i]!,
        end: line.end,
        section: { openEnd: line.end, children: [] },
        parent: stack[stack.length - 1],
      };
      current().push(d);
      stack.push(d);
      continue;
    }
    let j = i;
    while (j < t.length && t[j] !== ' ' && t[j] !== '\t') j++;
    const name = t.slice(i, j);
    current().push({
      name,
      lname: name.toLowerCase(),
      nameStart: line.map[i]!,
      nameEnd: line.map[j] ?? line.end,
      args: splitArgs(line, j, t.length, errors),
      start: line.map[i]!,
      end: line.end,
      parent: stack[stack.length - 1],
    });
  }
  for (const open of stack.reverse()) {
    errors.push({ message: `<${open.name}> is never closed: add </${open.name}>`, start: open.start, end: open.section!.openEnd });
    open.end = src.length;
  }
  return { directives: root, comments, errors };
}

export function* walkApache(directives: ApacheDirective[]): Generator<ApacheDirective> {
  for (const d of directives) {
    yield d;
    if (d.section) yield* walkApache(d.section.children);
  }
}

/** The innermost directive whose name or an argument covers `offset`. */
export function apacheNodeAt(file: ApacheFile, offset: number): { directive: ApacheDirective; arg?: ApacheArg; argIndex?: number; onName: boolean } | undefined {
  let list = file.directives;
  for (;;) {
    const d = list.find((x) => x.start <= offset && offset <= x.end);
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
