import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parsePage } from '../../server/src/kb/loader';

const GOOD = `---
kind: status
code: 418
name: (Unused)
class: 4xx
spec: RFC 9110 §15.5.19
headers: []
---
# 418 (Unused)

## Summary

Reserved.

## Retry and caching

Nothing to retry.
`;

describe('knowledge-base loader', () => {
  it('parses a valid status page into a typed page', () => {
    const { page, problems } = parsePage(GOOD, 'status/418.md');
    assert.deepEqual(problems, []);
    assert.equal(page?.kind, 'status');
    assert.equal(page?.kind === 'status' && page.code, 418);
    assert.deepEqual(page?.sections.map((s) => s.title), ['Summary', 'Retry and caching']);
  });

  it('reports a missing frontmatter code with file and line', () => {
    const broken = GOOD.replace('code: 418\n', '');
    const { page, problems } = parsePage(broken, 'status/418.md');
    assert.equal(page, undefined);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, 'status/418.md');
    assert.equal(problems[0]!.line, 2);
    assert.match(problems[0]!.message, /"code" is required/);
  });

  it('reports a field of the wrong type at its own line', () => {
    const { problems } = parsePage(GOOD.replace('code: 418', 'code: teapot'), 'status/418.md');
    assert.equal(problems[0]!.line, 3);
    assert.match(problems[0]!.message, /"code" must be a whole number/);
  });

  it('reports a missing required section', () => {
    const { problems } = parsePage(GOOD.replace(/## Retry and caching[\s\S]*$/, ''), 'status/418.md');
    assert.match(problems[0]!.message, /missing section "## Retry and caching"/);
  });

  it('reports a code that does not match the file name', () => {
    const { problems } = parsePage(GOOD, 'status/419.md');
    assert.match(problems[0]!.message, /does not match the file name/);
  });

  it('reports a page without frontmatter', () => {
    const { problems } = parsePage('# Just a title\n', 'status/418.md');
    assert.match(problems[0]!.message, /missing frontmatter/);
  });

  it('reports a link that does not point to a page', () => {
    const { problems } = parsePage(GOOD.replace('Reserved.', 'Reserved, see [here](../notes.txt).'), 'status/418.md');
    assert.match(problems[0]!.message, /does not point to a page/);
    assert.equal(problems[0]!.line, 13);
  });
});
