/**
 * Every quick fix the service offers over the shared corpus and our fixtures (the rules' own fixes
 * and "Disable … for this line"), applied as an editor applies it (LSP text edits):
 *   - it removes its finding;
 *   - it is idempotent: the fixed text is not offered the same fix at the same place again
 *     (applying the result's fixes there changes nothing);
 *   - the rest of the file is untouched: the text changes only inside the edits' span, and inserted
 *     line breaks follow the file's own (CRLF files stay CRLF).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import type { Finding, LanguageSupport } from '../../server/src/types';
import { projectKb } from '../support/service';
import { loadInputs, type Input } from './fuzz-harness';

let version = 1;
const documentOf = (input: Input, text: string) => TextDocument.create(pathToFileURL(input.file).href, input.languageId, version++, text);

interface Span {
  start: number;
  end: number;
}

/** Offsets of LSP edits in `doc`, sorted. */
function offsetsOf(doc: TextDocument, edits: TextEdit[]): (Span & { newText: string })[] {
  return edits.map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Where offset `o` of the old text lands in the new one; undefined when an edit replaced it. Text
 * inserted right at `o` goes before a start (`side` 'start') and after an end ('end').
 */
function mapOffset(o: number, edits: (Span & { newText: string })[], side: 'start' | 'end'): number | undefined {
  let delta = 0;
  for (const e of edits) {
    if (e.start < o && o < e.end) return undefined;
    const before = e.end < o || (e.end === o && (side === 'start' || e.start < e.end));
    if (before) delta += e.newText.length - (e.end - e.start);
  }
  return o + delta;
}

/** The spans the edits' new text occupies in the new text. */
function insertedSpans(edits: (Span & { newText: string })[]): Span[] {
  let delta = 0;
  return edits.map((e) => {
    const start = e.start + delta;
    delta += e.newText.length - (e.end - e.start);
    return { start, end: start + e.newText.length };
  });
}

const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

const eolOf = (text: string): 'crlf' | 'lf' | 'mixed' | 'none' => {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length;
  if (!lf) return 'none';
  return crlf === lf ? 'crlf' : crlf === 0 ? 'lf' : 'mixed';
};

interface Tally {
  files: number;
  actions: number;
  ruleFixes: number;
  disables: number;
}

async function checkFile(ls: LanguageService, input: Input, tally: Tally): Promise<string[]> {
  const problems: string[] = [];
  const doc = documentOf(input, input.text);
  const findings = await ls.findings(doc);
  if (!findings.length) return problems;
  tally.files++;
  const diagnostics = await ls.doValidation(doc);
  const eol = eolOf(input.text);
  for (const d of diagnostics) {
    const ruleId = String(d.code);
    const finding = findings.find((f) => f.ruleId === ruleId && f.start === doc.offsetAt(d.range.start) && f.end === doc.offsetAt(d.range.end));
    if (!finding) continue;
    const actions = (await ls.doCodeActions(doc, d.range, { diagnostics: [d] })).filter((a): a is CodeAction & { edit: { changes: Record<string, TextEdit[]> } } => !!a.edit?.changes);
    for (const action of actions) {
      const where = `${input.name}:${d.range.start.line + 1}: ${ruleId}: "${action.title}"`;
      const edits = action.edit.changes[doc.uri] ?? [];
      if (!edits.length || Object.keys(action.edit.changes).length !== 1) {
        problems.push(`${where}: edits ${Object.keys(action.edit.changes).join(', ')} instead of the document alone`);
        continue;
      }
      tally.actions++;
      if (action.title.startsWith('Disable ')) tally.disables++;
      else tally.ruleFixes++;
      const spans = offsetsOf(doc, edits);
      let fixedText: string;
      try {
        fixedText = TextDocument.applyEdits(doc, edits);
      } catch (err) {
        problems.push(`${where}: cannot be applied: ${(err as Error).message}`);
        continue;
      }

      // The rest of the file is untouched: same text before the first edit and after the last one.
      const first = spans[0]!.start;
      const last = spans[spans.length - 1]!.end;
      const tail = input.text.length - last;
      if (fixedText.slice(0, first) !== input.text.slice(0, first) || fixedText.slice(fixedText.length - tail) !== input.text.slice(last)) {
        problems.push(`${where}: changed text outside its edits`);
      }
      const inserted = spans.map((s) => s.newText).join('');
      if (eol === 'crlf' && /(^|[^\r])\n/.test(inserted)) problems.push(`${where}: inserts a bare LF into a CRLF file`);
      if (eol === 'lf' && inserted.includes('\r')) problems.push(`${where}: inserts CR into an LF file`);

      // It removes its finding.
      const fixed = documentOf(input, fixedText);
      const after = await ls.findings(fixed);
      const sameRule = (f: Finding) => f.ruleId === ruleId;
      const mappedStart = mapOffset(finding.start, spans, 'start');
      const mappedEnd = mapOffset(finding.end, spans, 'end');
      if (mappedStart !== undefined && mappedEnd !== undefined) {
        if (after.some((f) => sameRule(f) && f.start === mappedStart && f.end === mappedEnd && f.message === finding.message)) problems.push(`${where}: the finding is still there after the fix`);
      } else if (after.filter(sameRule).length >= findings.filter(sameRule).length) {
        problems.push(`${where}: as many ${ruleId} findings after the fix as before (${findings.filter(sameRule).length})`);
      }

      // Idempotent: where the fix wrote, the fixed text gets no fix of the same kind that changes it again.
      const region = insertedSpans(spans);
      if (mappedStart !== undefined && mappedEnd !== undefined) region.push({ start: mappedStart, end: mappedEnd });
      const again = (await ls.doValidation(fixed)).filter((x: Diagnostic) => x.code === ruleId && region.some((r) => overlaps(r, { start: fixed.offsetAt(x.range.start), end: fixed.offsetAt(x.range.end) })));
      for (const x of again) {
        for (const a2 of await ls.doCodeActions(fixed, x.range, { diagnostics: [x] })) {
          if (a2.title !== action.title || !a2.edit?.changes) continue;
          const twice = TextDocument.applyEdits(fixed, a2.edit.changes[fixed.uri] ?? []);
          if (twice !== fixedText) problems.push(`${where}: offered again after it was applied, and changes the text again`);
        }
      }
    }
  }
  return problems;
}

/** A toy language whose fixes misbehave on purpose: the checks above must catch each of them. */
const toy: LanguageSupport<string> = {
  family: 'nginx',
  parse: (document) => document.getText(),
  symbolAt: () => undefined,
  syntaxFindings: () => [],
  commentPrefix: () => '#',
  trailingComments: true,
  rules: [
    {
      id: 'nginx/toy-keeps',
      family: 'nginx',
      severity: 'warning',
      check({ parsed, report }) {
        // The "fix" adds a space before the word: the finding moves along and stays.
        for (const m of parsed.matchAll(/KEEP/g)) report({ start: m.index, end: m.index + 4, message: 'keeps', fixes: [{ title: 'pad', edits: [{ start: m.index, end: m.index, newText: ' ' }] }] });
      },
    },
    {
      id: 'nginx/toy-crlf',
      family: 'nginx',
      severity: 'warning',
      check({ parsed, report }) {
        for (const m of parsed.matchAll(/LF/g)) report({ start: m.index, end: m.index + 2, message: 'lf', fixes: [{ title: 'split', edits: [{ start: m.index, end: m.index + 2, newText: 'ok\nok' }] }] });
      },
    },
  ],
};

describe('the quick-fix checks', () => {
  it('catch a fix that leaves its finding and one that breaks CRLF line ends', async () => {
    const ls = createLanguageService({ kb: projectKb(), languages: { nginx: toy } });
    const input = (text: string): Input => ({ name: 'toy.conf', file: '/toy/nginx.conf', languageId: 'nginx', text });
    const tally: Tally = { files: 0, actions: 0, ruleFixes: 0, disables: 0 };
    const keeps = await checkFile(ls, input('a KEEP b\n'), tally);
    assert.ok(keeps.some((p) => /still there/.test(p)), keeps.join('\n'));
    const crlf = await checkFile(ls, input('x\r\ny LF\r\n'), tally);
    assert.ok(crlf.some((p) => /bare LF into a CRLF file/.test(p)), crlf.join('\n'));
    // The disable comments of the same toy rules are fine: they follow the file's line ends and silence the line.
    assert.ok(!crlf.some((p) => /Disable/.test(p)), crlf.join('\n'));
  });
});

describe('quick fixes over the corpus and fixtures', () => {
  it('remove their finding, are idempotent and leave the rest of the file untouched', { timeout: 600_000 }, async () => {
    const ls = createLanguageService({ kb: projectKb(), docsBaseUri: 'file:///statuslens/content' });
    const inputs = loadInputs();
    const tally: Tally = { files: 0, actions: 0, ruleFixes: 0, disables: 0 };
    const problems: string[] = [];
    for (const input of inputs) problems.push(...(await checkFile(ls, input, tally)));
    console.log(`fixes: ${tally.actions} quick fixes applied (${tally.ruleFixes} rule fixes, ${tally.disables} disable comments) in ${tally.files} of ${inputs.length} files`);
    assert.ok(tally.ruleFixes > 0 && tally.disables > 0, 'the corpus and fixtures offer rule fixes and disable comments');
    assert.deepEqual(problems, []);
  });
});
