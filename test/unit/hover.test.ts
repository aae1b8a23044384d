/** Hovers from the pure service: status codes where they are produced, nothing elsewhere. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver-types';
import { service, withCursor } from '../support/service';

const ls = service();
let version = 1;

async function hoverAt(languageId: string, file: string, input: string): Promise<string | undefined> {
  const { text, offset } = withCursor(input);
  const doc = TextDocument.create(`file:///ws/${file}`, languageId, version++, text);
  const hover = await ls.doHover(doc, doc.positionAt(offset));
  return hover ? (hover.contents as MarkupContent).value : undefined;
}

describe('status hovers in nginx', () => {
  it('explains the code of `return`', async () => {
    const text = await hoverAt('nginx', 'nginx.conf', 'location / { return 4|03; }');
    assert.match(text ?? '', /\*\*403 Forbidden\*\*/);
    assert.match(text ?? '', /Compared with/);
  });
  it('explains both sides of `error_page ... =code`', async () => {
    assert.match((await hoverAt('nginx', 'nginx.conf', 'error_page 4|03 =404 /x.html;')) ?? '', /403 Forbidden/);
    assert.match((await hoverAt('nginx', 'nginx.conf', 'error_page 403 =4|04 /x.html;')) ?? '', /404 Not Found/);
  });
  it('explains `limit_req_status`', async () => {
    assert.match((await hoverAt('nginx', 'nginx.conf', 'limit_req_status 4|29;')) ?? '', /429 Too Many Requests/);
  });
  it('gives no hover on numbers that are not statuses', async () => {
    assert.equal(await hoverAt('nginx', 'nginx.conf', 'listen 4|03;'), undefined);
    assert.equal(await hoverAt('nginx', 'nginx.conf', 'client_max_body_size 4|03;'), undefined);
    assert.equal(await hoverAt('nginx', 'nginx.conf', 'return 301 /4|03;'), undefined);
    assert.equal(await hoverAt('nginx', 'nginx.conf', '# return 4|03;'), undefined);
  });
});

describe('status hovers in Apache', () => {
  it('explains ErrorDocument codes', async () => {
    assert.match((await hoverAt('apacheconf', '.htaccess', 'ErrorDocument 4|03 /denied.html')) ?? '', /403 Forbidden/);
  });
  it('explains RewriteRule flags F, G and R=nnn', async () => {
    assert.match((await hoverAt('apacheconf', '.htaccess', 'RewriteRule ^x - [|F]')) ?? '', /403 Forbidden/);
    assert.match((await hoverAt('apacheconf', '.htaccess', 'RewriteRule ^x - [L,R=4|03]')) ?? '', /403 Forbidden/);
    assert.match((await hoverAt('apacheconf', '.htaccess', 'RewriteRule ^x - [NC,|G]')) ?? '', /410 Gone/);
  });
  it('gives no hover on a port or a size', async () => {
    assert.equal(await hoverAt('apacheconf', 'httpd.conf', 'Listen 4|03'), undefined);
    assert.equal(await hoverAt('apacheconf', 'httpd.conf', 'LimitRequestBody 4|03'), undefined);
  });
});

describe('documents that are not ours', () => {
  it('a plain .conf elsewhere gets nothing', async () => {
    assert.equal(await hoverAt('plaintext', 'app/settings.conf', 'return 4|03;'), undefined);
  });
});

describe('hovers lead with the layer of the file', () => {
  it('403 in an nginx file shows the nginx cause and fix first', async () => {
    const text = (await hoverAt('nginx', 'nginx.conf', 'location / { return 4|03; }')) ?? '';
    assert.match(text, /Likely cause here \(nginx\)/);
    assert.doesNotMatch(text, /Likely cause here \(Apache\)/);
  });
  it('403 in an .htaccess shows the Apache cause and fix first', async () => {
    const text = (await hoverAt('apacheconf', '.htaccess', 'ErrorDocument 4|03 /denied.html')) ?? '';
    assert.match(text, /Likely cause here \(Apache\)/);
    assert.match(text, /Fix \(Apache\)/);
    assert.doesNotMatch(text, /\(nginx\)/);
  });
  it('403 in a route file shows the application cause first', async () => {
    const text = (await hoverAt('javascript', 'routes.js', "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.status(4|03).end());")) ?? '';
    assert.match(text, /Likely cause here \(Application\)/);
  });
});
