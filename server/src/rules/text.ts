/** Small text helpers shared by rules that build fixes. */

/**
 * The full line(s) holding [start, end): from the line's first character through its newline.
 * `whole` is false when other code shares those lines (then a line-based edit would damage it).
 */
export function lineRangeOf(text: string, start: number, end: number): { start: number; end: number; whole: boolean } {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  lineEnd = lineEnd < 0 ? text.length : lineEnd + 1;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  const whole = before.trim() === '' && (after.trim() === '' || /^\s*#/.test(after));
  return { start: lineStart, end: lineEnd, whole };
}

/** The line ending a document uses (CRLF when it has any, else LF): inserted lines match it. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The indentation of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** Applies offset edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: { start: number; end: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
