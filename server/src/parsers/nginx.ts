/**
 * An error-tolerant nginx configuration parser. It never throws: bad input becomes
 * `errors` and the parser carries on, so that the rest of the file is still analysed.
 * Every directive, argument, block and comment keeps its exact offsets.
 *
 * Tokens follow nginx's own reader (ngx_conf_read_token): a word ends at whitespace, `;` or
 * `{` (except the `{` of `${var}`); `#` starts a comment only where a token could start;
 * a quote starts a string only at the start of a token; `\"`, `\'`, `\\`, `\t`, `\r`, `\n`
 * are unescaped. Where nginx would give up, we record the error and recover.
 */

export interface NginxArg {
  /** The value as nginx sees it: quotes removed, escapes resolved. */
  value: string;
  start: number;
  end: number;
  quote?: '"' | "'";
}

/**
 * `directives`: nginx directives. `data`: the body of `map`, `types`, `geo`, `split_clients`...
 * (entries that look like directives but are not). `opaque`: a `*_by_lua_block` body, kept as text.
 */
export type NginxBlockKind = 'directives' | 'data' | 'opaque';

export interface NginxBlock {
  /** Offset of `{`. */
  start: number;
  /** Offset just after `}` (or the end of the file when unclosed). */
  end: number;
  children: NginxDirective[];
  closed: boolean;
  kind: NginxBlockKind;
  /** Kept for callers that only ask whether the body is Lua. */
  opaque?: boolean;
}

export interface NginxDirective {
  name: string;
  nameStart: number;
  nameEnd: number;
  /** Set when the name itself was quoted (legal in nginx: `"rewrite_by_lua_block" { }`). */
  nameQuote?: '"' | "'";
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
  /** Set on an unterminated quote: any quote typed later in the file would close it. */
  unterminated?: true;
}

export interface NginxFile {
  directives: NginxDirective[];
  comments: NginxComment[];
  /** Lexical errors (quotes, regexes) first, then structural ones, each by offset: the first is usually the cause of the rest. */
  errors: NginxSyntaxError[];
  /** How many of `errors` are lexical (they come first). */
  lexicalErrors: number;
}

type Token =
  | { type: 'word'; arg: NginxArg; line: number }
  | { type: ';' | '{' | '}'; start: number; end: number; line: number }
  | { type: 'eof'; start: number; end: number; line: number };

const LUA_BLOCK = /_by_lua_block$/;

/** Blocks nested deeper than this are skipped whole (real configs nest a handful of levels). */
const MAX_NESTING = 100;

/** Blocks whose entries are data (keys and values), not directives. */
const DATA_BLOCKS = new Set(['map', 'types', 'geo', 'split_clients', 'charset_map', 'match', 'js_set_map', 'perl_set_map']);

/**
 * Directive names that, met at the start of a new line inside another directive's arguments,
 * almost certainly mean the previous line lost its `;`. Words that are also common argument
 * values (`index`, `default`, `off`, `root` after `set`...) are left out on purpose.
 */
const LINE_STARTERS = new Set([
  'location', 'server', 'listen', 'server_name', 'return', 'rewrite', 'deny', 'allow', 'add_header', 'proxy_pass',
  'proxy_set_header', 'proxy_redirect', 'proxy_buffering', 'proxy_http_version', 'proxy_read_timeout', 'fastcgi_pass',
  'fastcgi_param', 'fastcgi_index', 'uwsgi_pass', 'include', 'error_page', 'limit_req', 'limit_conn', 'limit_req_zone',
  'limit_conn_zone', 'limit_req_status', 'limit_conn_status', 'try_files', 'if', 'access_log', 'error_log', 'auth_basic',
  'auth_basic_user_file', 'auth_request', 'ssl_certificate', 'ssl_certificate_key', 'ssl_protocols', 'ssl_ciphers',
  'client_max_body_size', 'keepalive_timeout', 'sendfile', 'gzip', 'expires', 'autoindex', 'upstream', 'satisfy',
  'charset', 'default_type', 'resolver', 'alias', 'internal', 'log_not_found', 'more_set_headers', 'http', 'events',
  'worker_processes', 'worker_connections', 'pid', 'limit_except', 'valid_referers',
]);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** Resolves nginx's escapes: `\"`, `\'`, `\\` lose the backslash, `\t\r\n` become control characters. */
function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      const e = raw[i + 1]!;
      if (e === '"' || e === "'" || e === '\\') {
        out += e;
        i++;
        continue;
      }
      if (e === 't' || e === 'r' || e === 'n') {
        out += e === 't' ? '\t' : e === 'r' ? '\r' : '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

class Tokenizer {
  pos = 0;
  line = 0;
  readonly comments: NginxComment[] = [];
  readonly errors: NginxSyntaxError[] = [];
  constructor(
    private readonly text: string,
    /** Where reading starts (a block re-read after an edit starts at its directive). */
    start = 0,
  ) {
    this.pos = start;
    // nginx reads a byte order mark as part of the first directive's name ("unknown directive").
    if (start === 0 && text.charCodeAt(0) === 0xfeff) {
      this.errors.push({ message: 'the file starts with a byte order mark (BOM), which nginx reads as part of the first directive name: save the file as UTF-8 without BOM', start: 0, end: 1 });
      this.pos = 1;
    }
  }

  /** Advances `pos` to `to`, counting newlines. */
  private advance(to: number) {
    const t = this.text;
    for (let i = this.pos; i < to; i++) if (t.charCodeAt(i) === 10) this.line++;
    this.pos = to;
  }

  next(): Token {
    const t = this.text;
    const n = t.length;
    for (;;) {
      let p = this.pos;
      while (p < n && isSpace(t.charCodeAt(p))) p++;
      this.advance(p);
      if (this.pos >= n) return { type: 'eof', start: n, end: n, line: this.line };
      if (t[this.pos] !== '#') break;
      const start = this.pos;
      let end = t.indexOf('\n', start);
      if (end < 0) end = n;
      const lineEnd = end > start && t[end - 1] === '\r' ? end - 1 : end;
      this.comments.push({ text: t.slice(start + 1, lineEnd), start, end: lineEnd });
      this.pos = end; // the newline itself is counted by the whitespace skip
    }
    const start = this.pos;
    const line = this.line;
    const ch = t[start]!;
    if (ch === ';' || ch === '{' || ch === '}') {
      this.pos++;
      return { type: ch, start, end: start + 1, line };
    }
    if (ch === '"' || ch === "'") return this.quoted(ch, line);
    let i = start;
    let inVariableBrace = false;
    while (i < n) {
      const c = t[i]!;
      if (isSpace(t.charCodeAt(i)) || c === ';') break;
      if (c === '{') {
        // `${var}`: nginx keeps a brace right after `$` in the word.
        if (i > start && t[i - 1] === '$') {
          inVariableBrace = true;
          i++;
          continue;
        }
        // `^/a{2}$` unquoted: nginx reads `{` as a block start and rejects the file. Say so, but
        // keep the quantifier in the word so that the rest of the file parses as meant.
        const quantifier = i > start ? /^\{\d+(?:,\d*)?\}/.exec(t.slice(i, i + 12)) : null;
        if (quantifier) {
          this.errors.push({ message: `"${t.slice(start, i + quantifier[0].length)}": a regex with "{" must be quoted, or nginx reads "{" as the start of a block`, start, end: i + quantifier[0].length });
          i += quantifier[0].length;
          continue;
        }
        break;
      }
      if (c === '}') {
        if (inVariableBrace) {
          inVariableBrace = false;
          i++;
          continue;
        }
        // nginx would keep `}` in the word; ending the word here recovers far better from typos.
        break;
      }
      if (c === '\\' && i + 1 < n) {
        i += 2;
        continue;
      }
      i++;
    }
    this.advance(i);
    return { type: 'word', arg: { value: unescape(t.slice(start, i)), start, end: i }, line };
  }

  private quoted(q: '"' | "'", line: number): Token {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    while (i < t.length && t[i] !== q) i += t[i] === '\\' ? 2 : 1;
    if (i >= t.length) {
      // Unterminated: end the string at the end of its first line so the rest of the file survives.
      let lineEnd = t.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = t.length;
      const contentEnd = lineEnd > start && t[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
      this.errors.push({ message: `unterminated ${q === '"' ? 'double' : 'single'}-quoted string: add the closing ${q}`, start, end: contentEnd, unterminated: true });
      this.advance(lineEnd);
      return { type: 'word', arg: { value: unescape(t.slice(start + 1, contentEnd)), start, end: contentEnd, quote: q }, line };
    }
    const end = i + 1;
    this.advance(end);
    // nginx needs a space, `;`, `{` or `)` after a closing quote (`")` closes an `if` condition).
    const after = t[end];
    if (after !== undefined && !isSpace(t.charCodeAt(end)) && after !== ';' && after !== '{' && after !== ')' && after !== '}' && after !== '#') {
      this.errors.push({ message: `unexpected "${after}" right after a quoted string: nginx needs a space there`, start: end, end: end + 1 });
    }
    return { type: 'word', arg: { value: unescape(t.slice(start + 1, i)), start, end, quote: q }, line };
  }

  /** Skips a Lua body after its `{`; returns the offset of the matching `}` or -1. */
  skipLua(): number {
    const t = this.text;
    let depth = 1;
    let i = this.pos;
    let found = -1;
    while (i < t.length) {
      const c = t[i]!;
      if (c === '-' && t[i + 1] === '-') {
        const long = /^--\[(=*)\[/.exec(t.slice(i, i + 16));
        if (long) {
          const close = t.indexOf(`]${long[1]}]`, i);
          i = close < 0 ? t.length : close + long[1]!.length + 2;
          continue;
        }
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
      if (c === '[') {
        const long = /^\[(=*)\[/.exec(t.slice(i, i + 16));
        if (long) {
          const close = t.indexOf(`]${long[1]}]`, i);
          i = close < 0 ? t.length : close + long[1]!.length + 2;
          continue;
        }
      }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        found = i;
        i++;
        break;
      }
      i++;
    }
    this.advance(Math.min(i, t.length));
    return found;
  }
}

/** The indentation (in columns, tab = 8) of the line holding `offset`, and whether `offset` is the first thing on it. */
function lineIndent(text: string, offset: number): { indent: number; first: boolean } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let col = 0;
  let i = lineStart;
  for (; i < offset; i++) {
    const c = text[i];
    if (c === ' ') col++;
    else if (c === '\t') col += 8 - (col % 8);
    else break;
  }
  return { indent: col, first: i === offset };
}

/**
 * The directive reader over a tokenizer: `parseList` reads a block body (or the file), `parseDirective`
 * one directive. `depth` is how deep the reading starts (a re-read block keeps its real depth).
 */
function createReader(text: string, tk: Tokenizer, depth: number) {
  /** Structural errors; the tokenizer's own (quotes, regexes) are root causes and go first. */
  const errors: NginxSyntaxError[] = [];
  let lookahead: Token | undefined;
  const next = (): Token => {
    const t = lookahead ?? tk.next();
    lookahead = undefined;
    return t;
  };
  const peek = (): Token => (lookahead ??= tk.next());
  /** The first block whose `}` sits at a smaller indentation than its opening line: where a `}` probably went missing. */
  let suspiciousClose: NginxDirective | undefined;
  /** Blocks still open at the end of the file, outermost first. */
  const unclosed: NginxDirective[] = [];

  const parseList = (parent: NginxDirective | undefined, data: boolean): { children: NginxDirective[]; closeAt?: number } => {
    const children: NginxDirective[] = [];
    for (;;) {
      const tok = next();
      if (tok.type === 'eof') return { children: children.slice() };
      if (tok.type === '}') {
        if (parent) return { children: children.slice(), closeAt: tok.start };
        errors.push({ message: 'unexpected "}": no block is open here', start: tok.start, end: tok.end });
        continue;
      }
      if (tok.type === ';') {
        errors.push({ message: 'unexpected ";" with no directive before it', start: tok.start, end: tok.end });
        continue;
      }
      if (tok.type === '{') {
        errors.push({ message: 'a block "{" with no directive name before it', start: tok.start, end: tok.end });
        const d: NginxDirective = { name: '', nameStart: tok.start, nameEnd: tok.start, args: [], start: tok.start, end: tok.end, parent, terminated: true };
        openBlock(d, tok.start, tok.end, false);
        children.push(d);
        continue;
      }
      if (tok.type !== 'word') continue; // narrowed above; keeps the compiler convinced
      children.push(parseDirective(tok.arg, tok.line, parent, data));
    }
  };

  const openBlock = (d: NginxDirective, braceStart: number, braceEnd: number, data: boolean) => {
    if (depth >= MAX_NESTING) {
      // Absurdly deep nesting (fuzzers, generated garbage): skip the balanced body instead of
      // recursing further, so that nothing downstream can overflow the stack either.
      let level = 1;
      let closeAt = -1;
      for (;;) {
        const t = next();
        if (t.type === 'eof') break;
        if (t.type === '{') level++;
        else if (t.type === '}' && --level === 0) {
          closeAt = t.start;
          break;
        }
      }
      d.block = { start: braceStart, end: closeAt < 0 ? text.length : closeAt + 1, children: [], closed: closeAt >= 0, kind: 'opaque', opaque: true };
      if (closeAt < 0) unclosed.unshift(d);
    } else if (LUA_BLOCK.test(d.name)) {
      // The `{` was just consumed, so the tokenizer sits right after it with nothing looked ahead.
      const close = tk.skipLua();
      d.block = { start: braceStart, end: close < 0 ? text.length : close + 1, children: [], closed: close >= 0, kind: 'opaque', opaque: true };
      if (close < 0) errors.push({ message: `"${d.name}" block is not closed: add "}"`, start: d.nameStart, end: braceEnd });
    } else {
      const kind: NginxBlockKind = data || DATA_BLOCKS.has(d.name) ? 'data' : 'directives';
      depth++;
      const inner = parseList(d, kind === 'data');
      depth--;
      const closed = inner.closeAt !== undefined;
      d.block = { start: braceStart, end: closed ? inner.closeAt! + 1 : text.length, children: inner.children, closed, kind };
      if (!closed) unclosed.unshift(d);
      else if (!suspiciousClose) {
        const open = lineIndent(text, d.nameStart);
        const close = lineIndent(text, inner.closeAt!);
        if (open.first && close.first && close.indent < open.indent) suspiciousClose = d;
      }
    }
    d.end = d.block.end;
  };

  /**
   * Arrays grown by push keep spare room (17 slots after the first push): a 55,000-line file keeps
   * 13 MB of it. Directives and blocks are done growing when they are returned, so keep exact copies.
   */
  const exact = (d: NginxDirective): NginxDirective => {
    d.args = d.args.slice();
    return d;
  };

  const parseDirective = (name: NginxArg, line: number, parent: NginxDirective | undefined, data: boolean): NginxDirective => {
    const d: NginxDirective = {
      name: name.value,
      nameStart: name.start,
      nameEnd: name.end,
      ...(name.quote ? { nameQuote: name.quote } : {}),
      args: [],
      start: name.start,
      end: name.end,
      parent,
      terminated: false,
    };
    let lastLine = line;
    for (;;) {
      const t2 = peek();
      if (t2.type === 'word') {
        // A known directive name opening a new line: the previous line lost its `;`.
        if (!data && t2.line > lastLine && !t2.arg.quote && LINE_STARTERS.has(t2.arg.value) && d.args.length > 0) {
          errors.push({ message: `"${d.name}" directive is not terminated by ";"`, start: d.nameStart, end: d.end });
          return exact(d);
        }
        next();
        d.args.push(t2.arg);
        d.end = t2.arg.end;
        lastLine = t2.line;
        continue;
      }
      if (t2.type === ';') {
        next();
        d.end = t2.end;
        d.terminated = true;
        return exact(d);
      }
      if (t2.type === '{') {
        next();
        d.terminated = true;
        openBlock(d, t2.start, t2.end, data && !DATA_BLOCKS.has(d.name));
        return exact(d);
      }
      // `}` or end of file: the `;` is missing. Leave the `}` for the enclosing block.
      errors.push({ message: `"${d.name}" directive is not terminated by ";"`, start: d.nameStart, end: d.end });
      return exact(d);
    }
  };

  return { errors, unclosed, parseList, parseDirective, suspiciousClose: () => suspiciousClose };
}

const byOffset = (a: NginxSyntaxError, b: NginxSyntaxError) => a.start - b.start;

export function parseNginx(text: string): NginxFile {
  const tk = new Tokenizer(text);
  const reader = createReader(text, tk, 0);
  const { children } = reader.parseList(undefined, false);
  const { errors, unclosed } = reader;
  const suspiciousClose = reader.suspiciousClose();
  if (unclosed.length) {
    // The outermost unclosed block is where nginx gives up ("unexpected end of file"); the
    // indentation usually shows the block that really lost its `}`.
    const culprit = suspiciousClose ?? unclosed[unclosed.length - 1]!;
    const outer = unclosed[0]!;
    const message = suspiciousClose
      ? `"${culprit.name}" block is probably missing its "}" (the "}" that closes it is indented like an outer block), so "${outer.name}" is never closed`
      : `"${culprit.name}" block is not closed: add "}"`;
    errors.push({ message, start: culprit.nameStart, end: culprit.block ? culprit.block.start + 1 : culprit.nameEnd });
  }
  return { directives: children, comments: tk.comments, errors: [...tk.errors.sort(byOffset), ...errors.sort(byOffset)], lexicalErrors: tk.errors.length };
}

/** How many blocks enclose a directive. */
function depthOf(d: NginxDirective): number {
  let depth = 0;
  for (let p = d.parent; p; p = p.parent) depth++;
  return depth;
}

/** A block as re-read by `reparseNginxBlock`. */
export interface ReparsedBlock {
  directive: NginxDirective;
  comments: NginxComment[];
  /** Its syntax errors, lexical and structural, each by offset. */
  lexical: NginxSyntaxError[];
  structural: NginxSyntaxError[];
}

/**
 * Re-reads one block directive after an edit that lies strictly inside its braces. `text` is the
 * new document and `delta` the edit's change in length. Returns the directive as it now reads, or
 * undefined when the edit may reach beyond the block (its closing brace is no longer where the
 * edit put it, or a block inside it is left open), and only a whole parse will do. Errors that
 * stay inside the block (a missing `;`, a bad quote that ends on its line) read the same as in a
 * whole parse, so they are kept.
 */
export function reparseNginxBlock(text: string, old: NginxDirective, delta: number): ReparsedBlock | undefined {
  if (!old.block?.closed || old.block.kind === 'opaque') return undefined;
  const tk = new Tokenizer(text, old.start);
  const reader = createReader(text, tk, depthOf(old));
  const first = tk.next();
  if (first.type !== 'word' || first.arg.start !== old.nameStart || first.arg.value !== old.name) return undefined;
  const data = old.parent?.block?.kind === 'data';
  const fresh = reader.parseDirective(first.arg, first.line, old.parent, data);
  const ok =
    fresh.block?.closed === true &&
    fresh.block.kind === old.block.kind &&
    fresh.end === old.end + delta &&
    fresh.args.length === old.args.length &&
    !reader.unclosed.length;
  return ok ? { directive: fresh, comments: tk.comments, lexical: tk.errors.sort(byOffset), structural: reader.errors.sort(byOffset) } : undefined;
}

/** Moves every offset of a directive (its name, arguments and block, not its children) by `delta`. */
function shiftDirective(d: NginxDirective, delta: number) {
  d.nameStart += delta;
  d.nameEnd += delta;
  d.start += delta;
  d.end += delta;
  for (const a of d.args) {
    a.start += delta;
    a.end += delta;
  }
  if (d.block) {
    d.block.start += delta;
    d.block.end += delta;
  }
}

function shiftAll(list: NginxDirective[], delta: number) {
  for (const d of list) {
    shiftDirective(d, delta);
    if (d.block) shiftAll(d.block.children, delta);
  }
}

/**
 * Puts a re-read block (from `reparseNginxBlock`) in the place of the old one, in place: the
 * directives after it move by `delta`, the blocks around it grow or shrink by it. The tree is
 * changed, so whoever held it must be done with it.
 */
export function spliceNginxBlock(file: NginxFile, old: NginxDirective, fresh: ReparsedBlock, delta: number): void {
  const oldEnd = old.end;
  const siblings = old.parent?.block?.children ?? file.directives;
  const at = siblings.indexOf(old);
  if (at < 0) throw new Error('spliceNginxBlock: the block is not in this tree');
  siblings[at] = fresh.directive;
  if (delta) {
    // Everything after the block, at every level up: the later siblings and the ancestors' ends.
    shiftAll(siblings.slice(at + 1), delta);
    for (let p = old.parent; p; p = p.parent) {
      p.end += delta;
      p.block!.end += delta;
      const up = p.parent?.block?.children ?? file.directives;
      shiftAll(up.slice(up.indexOf(p) + 1), delta);
    }
  }
  const comments = file.comments;
  let from = 0;
  while (from < comments.length && comments[from]!.start < old.start) from++;
  let to = from;
  while (to < comments.length && comments[to]!.start < oldEnd) to++;
  for (let i = to; i < comments.length; i++) {
    comments[i]!.start += delta;
    comments[i]!.end += delta;
  }
  comments.splice(from, to - from, ...fresh.comments);
  // Errors: the block's own replace the old block's, in each group, and the later ones move.
  const regroup = (group: NginxSyntaxError[], own: NginxSyntaxError[]) => [
    ...group.filter((e) => e.start < old.start),
    ...own,
    ...group.filter((e) => e.start >= oldEnd).map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })),
  ];
  const lexical = regroup(file.errors.slice(0, file.lexicalErrors), fresh.lexical);
  file.errors = [...lexical, ...regroup(file.errors.slice(file.lexicalErrors), fresh.structural)];
  file.lexicalErrors = lexical.length;
}

/** Whether a block's children are nginx directives (not map/types entries, not Lua). */
export function hasDirectiveBody(d: NginxDirective): d is NginxDirective & { block: NginxBlock } {
  return !!d.block && d.block.kind === 'directives';
}

/** Every directive of the file, depth first, parents before children; skips data and Lua bodies. */
export function* walkNginx(directives: NginxDirective[]): Generator<NginxDirective> {
  for (const d of directives) {
    yield d;
    if (hasDirectiveBody(d)) yield* walkNginx(d.block.children);
  }
}

/** The innermost directive whose name or an argument covers `offset`. `inData` is set inside map/types bodies. */
export function nginxNodeAt(
  file: NginxFile,
  offset: number,
): { directive: NginxDirective; arg?: NginxArg; argIndex?: number; onName: boolean; inData: boolean } | undefined {
  let list = file.directives;
  let inData = false;
  for (;;) {
    const d = findCovering(list, offset);
    if (!d) return undefined;
    if (offset >= d.nameStart && offset <= d.nameEnd) return { directive: d, onName: true, inData };
    const argIndex = d.args.findIndex((a) => a.start <= offset && offset <= a.end);
    if (argIndex >= 0) return { directive: d, arg: d.args[argIndex]!, argIndex, onName: false, inData };
    if (d.block && d.block.kind !== 'opaque' && offset > d.block.start && offset < d.block.end) {
      inData ||= d.block.kind === 'data';
      list = d.block.children;
      continue;
    }
    return undefined;
  }
}

/** Binary search over siblings (they are in offset order): hovers stay fast in 50,000-line files. */
export function findCovering(list: NginxDirective[], offset: number): NginxDirective | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = list[mid]!;
    if (d.end < offset) lo = mid + 1;
    else if (d.start > offset) hi = mid - 1;
    else {
      // Adjacent directives may touch (`a;b;`): prefer the later one whose name starts at offset.
      const nextOne = list[mid + 1];
      return nextOne && nextOne.start <= offset && offset <= nextOne.end ? nextOne : d;
    }
  }
  return undefined;
}
