/** Route files: status hovers where a status is produced (numbers and symbolic names), nothing elsewhere. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver-types';
import { KnowledgeBase, loadFolder } from '../../server/src/kb/knowledgeBase';
import { CONTENT, service, withCursor } from '../support/service';

// The status pages as they are now; other pages' link problems (KB work in progress) do not matter here.
const ls = service(undefined, new KnowledgeBase(loadFolder(CONTENT).pages));
let version = 1;

const EXT: Record<string, string> = { javascript: 'js', typescript: 'ts', typescriptreact: 'tsx', python: 'py', php: 'php', ruby: 'rb', go: 'go' };

/** The status the service sees under the `|` cursor, or undefined. */
async function statusAt(languageId: string, input: string): Promise<number | undefined> {
  const { text, offset } = withCursor(input);
  const doc = TextDocument.create(`file:///ws/routes-hover-${version}.${EXT[languageId]}`, languageId, version++, text);
  const symbol = await ls.symbolAt(doc, doc.positionAt(offset));
  return symbol?.kind === 'status' ? symbol.code : undefined;
}

async function hoverAt(languageId: string, input: string): Promise<string | undefined> {
  const { text, offset } = withCursor(input);
  const doc = TextDocument.create(`file:///ws/routes-hover-${version}.${EXT[languageId]}`, languageId, version++, text);
  const hover = await ls.doHover(doc, doc.positionAt(offset));
  return hover ? (hover.contents as MarkupContent).value : undefined;
}

const EXPRESS = (body: string) => `const express = require('express');\nconst app = express();\napp.get('/', (req, res) => {\n  ${body}\n});\n`;

describe('route hovers: JavaScript and TypeScript', () => {
  it('explains res.status(403) and res.sendStatus(401) in Express', async () => {
    assert.match((await hoverAt('javascript', EXPRESS('res.status(4|03).send("no");'))) ?? '', /403 Forbidden/);
    assert.match((await hoverAt('typescript', EXPRESS('res.sendStatus(40|1);'))) ?? '', /401 Unauthorized/);
  });
  it('gives no hover on a port or a timeout', async () => {
    assert.equal(await statusAt('javascript', EXPRESS('res.send("ok");') + 'app.listen(30|00);'), undefined);
    assert.equal(await statusAt('javascript', EXPRESS('setTimeout(f, 4|03); res.send("ok");')), undefined);
    assert.equal(await statusAt('typescript', EXPRESS('const n = 4|03; res.send(n);')), undefined);
  });
  it('resolves each JS/TS producer', async () => {
    const cases: [string, string, number][] = [
      ['javascript', EXPRESS('res.writeHead(4|04, { a: 1 });'), 404],
      ['javascript', EXPRESS('next(createError(4|03));'), 403],
      ['javascript', "const fastify = require('fastify')();\nfastify.get('/', async (req, reply) => reply.code(4|29).send());", 429],
      ['javascript', "const fastify = require('fastify')();\nfastify.get('/', async (req, reply) => reply.status(40|3).send());", 403],
      ['javascript', "const Koa = require('koa');\napp.use(async (ctx) => { ctx.status = 4|01; });", 401],
      ['javascript', "const Koa = require('koa');\napp.use(async (ctx) => { ctx.throw(4|03, 'no'); });", 403],
      ['typescript', "import { NextResponse } from 'next/server';\nexport async function GET() { return NextResponse.json({}, { status: 4|01 }); }", 401],
      ['typescript', "export async function GET() { return new Response('x', { status: 4|05 }); }", 405],
      ['typescript', "import { HttpStatus } from '@nestjs/common';\nconst s = HttpStatus.FORB|IDDEN;", 403],
      ['typescript', "import { ForbiddenException } from '@nestjs/common';\nthrow new Forbidden|Exception();", 403],
      ['typescript', "import { UnauthorizedException } from '@nestjs/common';\nthrow new Unauthorized|Exception();", 401],
      ['typescript', "import { StatusCodes } from 'http-status-codes';\nres.status(StatusCodes.TOO_MANY_REQ|UESTS);", 429],
      ['typescript', "import { HttpCode } from '@nestjs/common';\nclass A { @HttpCode(2|04) remove() {} }", 204],
      ['javascript', EXPRESS('res.status(req.user ? 4|03 : 401).end();'), 403],
    ];
    for (const [lang, input, code] of cases) assert.equal(await statusAt(lang, input), code, input);
  });
});

describe('route hovers: Python', () => {
  it('explains Flask abort(403)', async () => {
    assert.match((await hoverAt('python', 'from flask import abort\n\n@app.route("/")\ndef index():\n    abort(4|03)\n')) ?? '', /403 Forbidden/);
  });
  it('resolves each Python producer and constant', async () => {
    const cases: [string, number | undefined][] = [
      ['from flask import Flask\ndef v():\n    return "no", 4|01\n', 401],
      ['from flask import make_response\ndef v():\n    return make_response("x", 4|29)\n', 429],
      ['from fastapi import HTTPException\ndef v():\n    raise HTTPException(status_code=4|03)\n', 403],
      ['from fastapi import status\ncode = status.HTTP_403_FORB|IDDEN\n', 403],
      ['from rest_framework import status\nResponse({}, status=status.HTTP_401_UNAUTH|ORIZED)\n', 401],
      ['from django.http import HttpResponseForbidden\ndef v(r):\n    return HttpResponse|Forbidden()\n', 403],
      ['from django.core.exceptions import PermissionDenied\ndef v(r):\n    raise Permission|Denied\n', 403],
      ['from django.http import HttpResponse\ndef v(r):\n    return HttpResponse("x", status=4|10)\n', 410],
      ['from http import HTTPStatus\nfrom flask import abort\nabort(HTTPStatus.UNAUTH|ORIZED)\n', 401],
      ['from flask import Flask\napp.run(port=50|00)\n', undefined],
      ['from flask import Flask\nimport time\ntime.sleep(4|03)\n', undefined],
    ];
    for (const [input, code] of cases) assert.equal(await statusAt('python', input), code, input);
  });
});

describe('route hovers: PHP', () => {
  it('explains Laravel abort(403)', async () => {
    assert.match((await hoverAt('php', '<?php\nRoute::get("/", function () {\n    abort(4|03);\n});\n')) ?? '', /403 Forbidden/);
  });
  it('resolves each PHP producer and constant', async () => {
    const cases: [string, number | undefined][] = [
      ['<?php\nabort_if(!$ok, 4|01);\n', 401],
      ['<?php\nabort_unless($ok, 4|03);\n', 403],
      ['<?php\nreturn response()->json([], 4|22);\n', 422],
      ['<?php\nuse Symfony\\Component\\HttpFoundation\\Response;\n$x = Response::HTTP_FORB|IDDEN;\n', 403],
      ['<?php\nuse Illuminate\\Http\\Request;\nthrow new AccessDenied|HttpException();\n', 403],
      ['<?php\nuse Illuminate\\Http\\Request;\nsleep(4|03);\n', undefined],
    ];
    for (const [input, code] of cases) assert.equal(await statusAt('php', input), code, input);
  });
});

describe('route hovers: Ruby', () => {
  it('explains symbolic statuses', async () => {
    const controller = (body: string) => `class PostsController < ApplicationController\n  def show\n    ${body}\n  end\nend\n`;
    assert.match((await hoverAt('ruby', controller('head :forb|idden'))) ?? '', /403 Forbidden/);
    const cases: [string, number | undefined][] = [
      [controller('render json: {}, status: :unauth|orized'), 401],
      [controller('render json: {}, status: 4|03'), 403],
      [controller('head :unprocessable_ent|ity'), 422],
      [controller('head :unprocessable_con|tent'), 422],
      [controller('head :payload_too_l|arge'), 413],
      [controller('head :content_too_l|arge'), 413],
      [controller('x = { reason: :forb|idden }'), undefined],
      [controller('sleep 4|03'), undefined],
    ];
    for (const [input, code] of cases) assert.equal(await statusAt('ruby', input), code, input);
  });
});

describe('route hovers: Go', () => {
  it('explains http.StatusForbidden and numbers in producers', async () => {
    const handler = (body: string) => `package main\n\nimport "net/http"\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\t${body}\n}\n`;
    assert.match((await hoverAt('go', handler('w.WriteHeader(http.StatusForb|idden)'))) ?? '', /403 Forbidden/);
    const cases: [string, number | undefined][] = [
      [handler('http.Error(w, "no", http.StatusUnauth|orized)'), 401],
      [handler('c.AbortWithStatus(4|03)'), 403],
      [handler('c.JSON(http.StatusTooManyReq|uests, nil)'), 429],
      [handler('return c.NoContent(4|05)'), 405],
      [handler('w.WriteHeader(4|18)'), 418],
      [handler('http.ListenAndServe(":8080", nil); time.Sleep(4|03)'), undefined],
    ];
    for (const [input, code] of cases) assert.equal(await statusAt('go', input), code, input);
  });
});
