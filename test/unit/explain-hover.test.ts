/** Hovers end with a link into the Explain view: a `command:` URI VS Code runs, plain text elsewhere. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver-types';
import { service, withCursor } from '../support/service';

const ls = service();
let version = 1;

async function hoverAt(languageId: string, file: string, input: string): Promise<string> {
  const { text, offset } = withCursor(input);
  const doc = TextDocument.create(`file:///ws/${file}`, languageId, version++, text);
  const hover = await ls.doHover(doc, doc.positionAt(offset));
  return hover ? (hover.contents as MarkupContent).value : '';
}

/** The last line of a hover, where the link sits. */
const lastLine = (markdown: string) => markdown.trimEnd().split('\n').pop() ?? '';

describe('Explain links in hovers', () => {
  it('ends a status hover with "Explain 403 Forbidden" as a statuslens.explain command link', async () => {
    const text = await hoverAt('nginx', 'nginx.conf', 'location / { return 4|03; }');
    assert.equal(lastLine(text), '[Explain 403 Forbidden](command:statuslens.explain?%5B%22status%2F403%22%5D)');
  });

  it('links the status a RewriteRule flag produces', async () => {
    const text = await hoverAt('apacheconf', '.htaccess', 'RewriteRule ^x - [NC,|G]');
    assert.equal(lastLine(text), '[Explain 410 Gone](command:statuslens.explain?%5B%22status%2F410%22%5D)');
  });

  it('ends a directive hover with a link to the directive page', async () => {
    const text = await hoverAt('nginx', 'nginx.conf', 'location / { de|ny all; }');
    assert.equal(lastLine(text), '[Explain `deny`](command:statuslens.explain?%5B%22directive%2Fnginx%2Fdeny%22%5D)');
  });

  it('offers no link for a code the knowledge base has no page for', async () => {
    const text = await hoverAt('nginx', 'nginx.conf', 'location / { return 2|99; }');
    assert.ok(text, 'the unknown code still gets a hover');
    assert.doesNotMatch(text, /command:/);
  });

  it('links only to our own command', async () => {
    for (const input of ['location / { return 4|03; }', 'location / { return 4|04; }', 'error_page 403 =4|04 /x.html;', 'limit_req_status 4|29;']) {
      const commands = [...(await hoverAt('nginx', 'nginx.conf', input)).matchAll(/\]\(command:([\w.]+)\?/g)].map((m) => m[1]);
      assert.deepEqual(commands, ['statuslens.explain'], input);
    }
  });
});
