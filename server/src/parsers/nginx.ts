/**
 * An error-tolerant nginx configuration parser. It never throws: bad input becomes
 * `errors` and the parser carries on, so that the rest of the file is still analysed.
 * Every directive, argument, block and comment keeps its exact offsets.
 */

export interface NginxArg {
  /** The value as nginx sees it: quotes removed, `\"` unescaped. */
  value: string;
  start: number;
  end: number;
  quote?: '"' | "'";
}

export interface NginxBlock {
  /** Offset of `{`. */
  start: number;
  /** Offset just after `}` (or the end of the file when unclosed). */
  end: number;
  children: NginxDirective[];
  closed: boolean;
  /** A `*_by_lua_block` body: kept as text, not parsed as nginx. */
  opaque?: boolean;
}

export interface NginxDirective {
  name: string;
  nameStart: number;
  nameEnd: number;
  args: NginxArg[];
  block?: NginxBlock;
  /** From the name to the `;` or the block's `}` inclusive. */
  start: number;
  end: number;
  parent?: NginxDirective;
  /** False when the `;` is missing. */
  terminated: boolean;
}

export interface NginxComment {
  /** Text after `#`. */
  text: string;
  start: number;
  end: number;
}

export interface NginxSyntaxError {
  message: string;
  start: number;
  end: number;
}

export interface NginxFile {
  directives: NginxDirective[];
  comments: NginxComment[];
  errors: NginxSyntaxError[];
}

type Token =
  | { type: 'word'; arg: NginxArg }
  | { type: ';' | '{' | '}'; start: number; end: number }
  | { type: 'eof'; start: number; end: number };

const LUA_BLOCK = /_by_lua_block$|^lua_block$/;

class Tokenizer {
  pos = 0;
  readonly comments: NginxComment[] = [];
  readonly errors: NginxSyntaxError[] = [];
  constructor(private readonly text: string) {}

  next(): Token {
    const t = this.text;
    const n = t.length;
    for (;;) {
      while (this.pos < n && isSpace(t.charCodeAt(this.pos))) this.pos++;
      if (this.pos >= n) return { type: 'eof', start: n, end: n };
      if (t[this.pos] !== '#') break;
      const start = this.pos;
      let end = t.indexOf('\n', start);
      if (end < 0) end = n;
      const lineEnd = end > start && t[end - 1] === '\r' ? end - 1 : end;
      this.comments.push({ text: t.slice(start + 1, lineEnd), start, end: lineEnd });
      this.pos = end;
    }
    const start = this.pos;
    const ch = t[start]!;
    if (ch === ';' || ch === '{' || ch === '}') {
      this.pos++;
      return { type: ch, start, end: start + 1 };
    }
    if (ch === '"' || ch === "'") return this.quoted(ch);
    let value = '';
    let i = start;
    while (i < n) {
      const c = t[i]!;
      if (isSpace(t.charCodeAt(i)) || c === ';' || c === '}' || c === '"' || c === "'") {
        // A quote glued to a word (`a"b"`) is unusual; nginx rejects it. Stop the word here.
        break;
      }
      if (c === '{') {
        // `${var}`: a brace right after `$` belongs to the variable name.
        if (t[i - 1] === '$') {
          const close = t.indexOf('}', i);
          if (close > 0 && !/[\s;{]/.test(t.slice(i + 1, close))) {
            value += t.slice(i, close + 1);
            i = close + 1;
            continue;
          }
        }
        break;
      }
      if (c === '\\' && i + 1 < n) {
        value += c + t[i + 1];
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    this.pos = i;
    return { type: 'word', arg: { value, start, end: i } };
  }

  private quoted(q: '"' | "'"): Token {
    const t = this.text;
    const start = this.pos;
    let value = '';
    let i = start + 1;
    while (i < t.length && t[i] !== q) {
      if (t[i] === '\\' && i + 1 < t.length) {
        const esc = t[i + 1]!;
        // nginx unescapes \" \' \\ and keeps other escapes (\t \n \r become control chars).
        value += esc === q || esc === '\\' ? esc : esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : '\\' + esc;
        i += 2;
        continue;
      }
      value += t[i];
      i++;
    }
    if (i >= t.length) {
      // Unterminated: end the string at the end of its first line so the rest of the file survives.
      let lineEnd = t.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = t.length;
      this.errors.push({ message: `unterminated ${q === '"' ? 'double' : 'single'}-quoted string`, start, end: lineEnd });
      this.pos = lineEnd;
      return { type: 'word', arg: { value: t.slice(start + 1, lineEnd), start, end: lineEnd, quote: q } };
    }
    this.pos = i + 1;
    return { type: 'word', arg: { value, start, end: i + 1, quote: q } };
  }

  /** Skips a Lua body after its `{`; returns the offset of the matching `}` or -1. */
  skipLua(): number {
    const t = this.text;
    let depth = 1;
    let i = this.pos;
    while (i < t.length) {
      const c = t[i]!;
      if (c === '-' && t[i + 1] === '-') {
        const nl = t.indexOf('\n', i);
        i = nl < 0 ? t.length : nl;
        continue;
      }
      if (c === '"' || c === "'") {
        i++;
        while (i < t.length && t[i] !== c && t[i] !== '\n') i += t[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (c === '[' && /^\[=*\[/.test(t.slice(i, i + 8))) {
        const eq = /^\[(=*)\[/.exec(t.slice(i))![1]!;
        const close = t.indexOf(`]${eq}]`, i);
        i = close < 0 ? t.length : close + eq.length + 2;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        this.pos = i + 1;
        return i;
      }
      i++;
    }
    this.pos = t.length;
    return -1;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

export function parseNginx(text: string): NginxFile {
  const tk = new Tokenizer(text);
  const errors = tk.errors;
  let lookahead: Token | undefined;
  const next = () => {
    const t = lookahead ?? tk.next();
    lookahead = undefined;
    return t;
  };
  const peek = () => (lookahead ??= tk.next());

  const parseList = (parent: NginxDirective | undefined): { children: NginxDirective[]; closeAt?: number } => {
    const children: NginxDirective[] = [];
    for (;;) {
      const tok = next();
      if (tok.type === 'eof') return { children };
      if (tok.type === '}') {
        if (parent) return { children, closeAt: tok.start };
        errors.push({ message: 'unexpected "}": no block is open here', start: tok.start, end: tok.end });
        continue;
      }
      if (tok.type === ';') {
        // A stray `;` is harmless to nginx's tokenizer? No: nginx reports "unexpected ;". Keep going.
        errors.push({ message: 'unexpected ";"', start: tok.start, end: tok.end });
        continue;
      }
      if (tok.type === '{') {
        errors.push({ message: 'a block "{" with no directive name before it', start: tok.start, end: tok.end });
        const d: NginxDirective = { name: '', nameStart: tok.start, nameEnd: tok.start, args: [], start: tok.start, end: tok.end, parent, terminated: true };
        const inner = parseList(d);
        d.block = { start: tok.start, end: inner.closeAt !== undefined ? inner.closeAt + 1 : text.length, children: inner.children, closed: inner.closeAt !== undefined };
        d.end = d.block.end;
        children.push(d);
        continue;
      }
      if (tok.type !== 'word') continue; // narrowed above; keeps the compiler convinced
      const d: NginxDirective = {
        name: tok.arg.value,
        nameStart: tok.arg.start,
        nameEnd: tok.arg.end,
        args: [],
        start: tok.arg.start,
        end: tok.arg.end,
        parent,
        terminated: false,
      };
      children.push(d);
      for (;;) {
        const t2 = peek();
        if (t2.type === 'word') {
          next();
          d.args.push(t2.arg);
          d.end = t2.arg.end;
          continue;
        }
        if (t2.type === ';') {
          next();
          d.end = t2.end;
          d.terminated = true;
          break;
        }
        if (t2.type === '{') {
          next();
          d.terminated = true;
          if (LUA_BLOCK.test(d.name)) {
            tk.pos = t2.end;
            const close = tk.skipLua();
            d.block = { start: t2.start, end: close < 0 ? text.length : close + 1, children: [], closed: close >= 0, opaque: true };
            if (close < 0) errors.push({ message: `"${d.name}" block is not closed: add "}"`, start: t2.start, end: t2.end });
          } else {
            const inner = parseList(d);
            const closed = inner.closeAt !== undefined;
            d.block = { start: t2.start, end: closed ? inner.closeAt! + 1 : text.length, children: inner.children, closed };
            if (!closed) errors.push({ message: `"${d.name}" block is not closed: add "}"`, start: t2.start, end: t2.end });
          }
          d.end = d.block.end;
          break;
        }
        // `}` or end of file: the `;` is missing. Leave the `}` for the enclosing block.
        errors.push({ message: `"${d.name}" directive is not terminated by ";"`, start: d.nameStart, end: d.end });
        break;
      }
    }
  };

  const { children } = parseList(undefined);
  return { directives: children, comments: tk.comments, errors };
}

/** Every directive of the file, depth first, parents before children. */
export function* walkNginx(directives: NginxDirective[]): Generator<NginxDirective> {
  for (const d of directives) {
    yield d;
    if (d.block && !d.block.opaque) yield* walkNginx(d.block.children);
  }
}

/** The innermost directive whose name or an argument covers `offset`. */
export function nginxNodeAt(file: NginxFile, offset: number): { directive: NginxDirective; arg?: NginxArg; argIndex?: number; onName: boolean } | undefined {
  let list = file.directives;
  for (;;) {
    const d = list.find((x) => x.start <= offset && offset <= x.end);
    if (!d) return undefined;
    if (offset >= d.nameStart && offset <= d.nameEnd) return { directive: d, onName: true };
    const argIndex = d.args.findIndex((a) => a.start <= offset && offset <= a.end);
    if (argIndex >= 0) return { directive: d, arg: d.args[argIndex]!, argIndex, onName: false };
    if (d.block && !d.block.opaque && offset > d.block.start && offset < d.block.end) {
      list = d.block.children;
      continue;
    }
    return undefined;
  }
}
