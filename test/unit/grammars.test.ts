/**
 * The TextMate grammars in syntaxes/ run through the engine VS Code itself uses
 * (vscode-textmate + the Oniguruma regex library compiled to WebAssembly), on nginx and
 * Apache snippets: comments, strings, variables, directive keywords, section tags, the status
 * in `return 403`, RewriteRule flags. A rule whose regex Oniguruma cannot compile fails here
 * too, for every rule these snippets reach.
 *
 *   node --import tsx --test test/unit/grammars.test.ts
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';
import { ROOT } from '../support/service';

interface Manifest {
  contributes: { grammars: { language: string; scopeName: string; path: string }[] };
}

/** One token of a tokenized snippet: where it is and the scopes VS Code would theme. */
interface Token {
  line: number;
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

let registry: Registry;

before(async () => {
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const files = new Map(manifest.contributes.grammars.map((g) => [g.scopeName, path.join(ROOT, g.path)]));
  registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => oniguruma.createOnigScanner(patterns),
      createOnigString: (text) => oniguruma.createOnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const file = files.get(scopeName);
      return file ? parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
});

async function grammar(scopeName: string): Promise<IGrammar> {
  const g = await registry.loadGrammar(scopeName);
  assert.ok(g, `package.json contributes no grammar for ${scopeName}`);
  return g;
}

/** Tokenizes `source` line by line, carrying the rule stack as the editor does. */
function tokenize(g: IGrammar, source: string): Token[] {
  const tokens: Token[] = [];
  let stack: StateStack = INITIAL;
  source.split('\n').forEach((text, line) => {
    const r = g.tokenizeLine(text, stack);
    for (const t of r.tokens) tokens.push({ line, start: t.startIndex, end: Math.min(t.endIndex, text.length), text: text.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return tokens;
}

/**
 * The tokens covering `needle` in the first line containing `lineText`. When the needle has
 * a part in «guillemets», the whole needle (without them) locates the place and only the
 * marked part is checked: `[«R»=301` is the R flag, not the R of RewriteRule.
 */
function tokensAt(tokens: Token[], source: string, lineText: string, needle: string): Token[] {
  const lines = source.split('\n');
  const line = lines.findIndex((l) => l.includes(lineText));
  assert.ok(line >= 0, `no line contains ${JSON.stringify(lineText)}`);
  const marked = /^(.*)«(.+)»(.*)$/.exec(needle);
  const [before, part] = marked ? [marked[1]!, marked[2]!] : ['', needle];
  const whole = marked ? `${marked[1]}${marked[2]}${marked[3]}` : needle;
  const found = lines[line]!.indexOf(whole);
  assert.ok(found >= 0, `${JSON.stringify(whole)} is not in line ${line + 1}: ${lines[line]}`);
  const at = found + before.length;
  const end = at + part.length;
  const covering = tokens.filter((t) => t.line === line && t.start < end && t.end > at);
  assert.ok(covering.length, `no token covers ${JSON.stringify(needle)} in line ${line + 1}`);
  return covering;
}

/** Every token of `needle` carries `scope` or a scope under it (TextMate's prefix match). */
function assertScope(tokens: Token[], source: string, lineText: string, needle: string, scope: string): void {
  for (const t of tokensAt(tokens, source, lineText, needle)) {
    assert.ok(
      t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`)),
      `${JSON.stringify(needle)} in ${JSON.stringify(lineText)}: token ${JSON.stringify(t.text)} has scopes ${t.scopes.join(' ')}, not ${scope}`,
    );
  }
}

function assertNoScope(tokens: Token[], source: string, lineText: string, needle: string, scope: string): void {
  for (const t of tokensAt(tokens, source, lineText, needle)) {
    assert.ok(
      !t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`)),
      `${JSON.stringify(needle)} in ${JSON.stringify(lineText)}: token ${JSON.stringify(t.text)} should not be ${scope}: ${t.scopes.join(' ')}`,
    );
  }
}

/**
 * One check of a test: `[lineText, needle, scope]` runs assertScope, `[lineText, needle, { not: scope }]`
 * runs assertNoScope (see tokensAt for what lineText and needle pick).
 */
type Check = [lineText: string, needle: string, scope: string | { not: string }];

/** A suite for one grammar: `source` tokenized once, then one test a key of `tests`, its checks in order. */
function describeGrammar(title: string, scopeName: string, source: string, tests: Record<string, Check[]>): void {
  describe(title, () => {
    let tokens: Token[];
    before(async () => {
      tokens = tokenize(await grammar(scopeName), source);
    });
    for (const [name, checks] of Object.entries(tests)) {
      it(name, () => {
        for (const [lineText, needle, scope] of checks) {
          if (typeof scope === 'string') assertScope(tokens, source, lineText, needle, scope);
          else assertNoScope(tokens, source, lineText, needle, scope.not);
        }
      });
    }
  });
}

const NGINX = `# StatusLens: admin area
http {
    server {
        listen 80;
        set $target "https://example.test$request_uri";
        location /admin/ {
            deny all;
            allow 10.0.0.0/8;
            return 403;
        }
        location ~* \\.php$ { return 404 'no php'; }
        location = /health { return 200 "ok"; }
        error_page 404 =200 /empty.gif;
        limit_req_status 429;
        rewrite ^/old/(.*)$ /new/$1 permanent;
        if ($http_user_agent ~ (bot|crawler)) {
            return 444;
        }
        proxy_pass http://backend/a#b;  # a trailing comment
        add_header X-Env \${env} always;
    }
}`;

const APACHE = `# StatusLens: Apache sample
<VirtualHost *:80>
    ServerName example.test
    DocumentRoot "/var/www/html"
    <Directory "/var/www/html/private">
        Require all denied
    </Directory>
    <FilesMatch "\\.(bak|old)$">
        Require all denied
    </FilesMatch>
    RewriteEngine On
    RewriteCond %{HTTP_USER_AGENT} badbot [NC]
    RewriteRule ^/secret - [F,L]
    RewriteRule ^/old$ /new [R=301,L]
    RewriteRule ^/gone - [G]
    ErrorDocument 404 /errors/404.html
    Redirect 410 /retired
    RedirectMatch permanent ^/blog/(.*)$ https://blog.example.test/$1
    Options -Indexes +FollowSymLinks
    Header set X-Env \${APP_ENV}
    Require ip 10.0.0.0/8 # not a comment: Apache reads it as arguments
</VirtualHost>`;

describeGrammar('nginx grammar (source.nginx) in the TextMate engine', 'source.nginx', NGINX, {
  'comments: a whole line, and after a `;`, but not a # inside a URL': [
    ['# StatusLens: admin area', '# StatusLens: admin area', 'comment.line.number-sign.nginx'],
    ['proxy_pass', '# a trailing comment', 'comment.line.number-sign.nginx'],
    ['proxy_pass', 'http://backend/a#b', { not: 'comment' }],
  ],

  'block and directive keywords': [
    ['http {', 'http', 'storage.type.block.nginx'],
    ['server {', 'server', 'storage.type.block.nginx'],
    ['location /admin/', 'location', 'storage.type.block.location.nginx'],
    ['location /admin/', '/admin/', 'string.unquoted.path.nginx'],
    ['listen 80;', 'listen', 'keyword.other.directive.nginx'],
    ['deny all;', 'deny', 'keyword.other.directive.nginx'],
    ['allow 10.0.0.0/8;', 'allow', 'keyword.other.directive.nginx'],
    ['error_page', 'error_page', 'keyword.other.directive.nginx'],
    ['proxy_pass', 'proxy_pass', 'keyword.other.directive.nginx'],
    ['if ($http_user_agent', 'if', 'keyword.control.conditional.nginx'],
    ['deny all;', 'all', 'constant.language.all.nginx'],
    ['allow 10.0.0.0/8;', '10.0.0.0/8', 'constant.numeric.ip.nginx'],
  ],

  'strings and variables, also inside strings': [
    ['set $target', '"https://example.test$request_uri"', 'string.quoted.double.nginx'],
    ['set $target', '$«request_uri»', 'variable.other.nginx'],
    ['set $target', '$«request_uri»', 'string.quoted.double.nginx'],
    ['set $target', '$«target»', 'variable.other.nginx'],
    ["return 404 'no php'", "'no php'", 'string.quoted.single.nginx'],
    ['if ($http_user_agent', 'http_user_agent', 'variable.other.nginx'],
    ['if ($http_user_agent', '(bot|crawler)', 'string.regexp.nginx'],
    ['rewrite', '$«1»', 'variable.other.capture.nginx'],
    ['rewrite', '«$»1', 'punctuation.definition.variable.nginx'],
    ['add_header', '${«env»}', 'variable.other.nginx'],
  ],

  'status codes: `return 403`, `error_page 404 =200`, `*_status 429`; a port is a plain number': [
    ['return 403;', 'return', 'keyword.control.return.nginx'],
    ['return 403;', 'return «403»', 'constant.numeric.status.nginx'],
    ['return 404', '404', 'constant.numeric.status.nginx'],
    ['return 200 "ok"', '200', 'constant.numeric.status.nginx'],
    ['return 444;', '444', 'constant.numeric.status.nginx'],
    ['error_page', '404', 'constant.numeric.status.nginx'],
    ['error_page', '=«200»', 'constant.numeric.status.nginx'],
    ['error_page', '«=»200', 'keyword.operator.assignment.nginx'],
    ['limit_req_status', '429', 'constant.numeric.status.nginx'],
    ['listen 80;', '80', 'constant.numeric.nginx'],
    ['listen 80;', '80', { not: 'constant.numeric.status' }],
  ],

  'location modifiers and regexes; rewrite flags': [
    ['location ~*', '~*', 'keyword.operator.location-modifier.regex.nginx'],
    ['location ~*', '\\.php$', 'string.regexp.nginx'],
    ['location = /health', '=', 'keyword.operator.location-modifier.nginx'],
    ['rewrite', '^/old/(.*)$', 'string.regexp.nginx'],
    ['rewrite', 'permanent', 'keyword.other.flag.nginx'],
  ],

  'a block after `if (...)` is tokenized as ordinary directives again': [
    ['return 444;', 'return', 'keyword.control.return.nginx'],
    ['proxy_pass', ';', 'punctuation.terminator.nginx'],
  ],
});

describeGrammar('Apache grammar (source.apacheconf) in the TextMate engine', 'source.apacheconf', APACHE, {
  'comments only as whole lines (a # after a directive is an argument, as Apache reads it)': [
    ['# StatusLens: Apache sample', '# StatusLens: Apache sample', 'comment.line.number-sign.apacheconf'],
    ['Require ip 10.0.0.0/8 #', '# not a comment', { not: 'comment' }],
  ],

  'section tags, opening and closing': [
    ['<VirtualHost', 'VirtualHost', 'entity.name.tag.apacheconf'],
    ['<VirtualHost', '<', 'punctuation.definition.tag.begin.apacheconf'],
    ['<VirtualHost', '80«>»', 'punctuation.definition.tag.end.apacheconf'],
    ['<Directory "/var/www/html/private">', 'Directory', 'entity.name.tag.apacheconf'],
    ['</Directory>', 'Directory', 'entity.name.tag.apacheconf'],
    ['</VirtualHost>', 'VirtualHost', 'entity.name.tag.apacheconf'],
    ['<FilesMatch', 'FilesMatch', 'entity.name.tag.apacheconf'],
    ['<FilesMatch', '"\\.(bak|old)$"', 'string.regexp.apacheconf'],
  ],

  'directive keywords, strings, options and access constants': [
    ['ServerName', 'ServerName', 'keyword.other.directive.apacheconf'],
    ['DocumentRoot', 'DocumentRoot', 'keyword.other.directive.apacheconf'],
    ['DocumentRoot', '"/var/www/html"', 'string.quoted.double.apacheconf'],
    ['<Directory "/var/www/html/private">', '"/var/www/html/private"', 'string.quoted.double.apacheconf'],
    ['Require all denied', 'Require', 'keyword.other.directive.apacheconf'],
    ['Require all denied', 'all', 'support.constant.provider.apacheconf'],
    ['Require all denied', 'denied', 'constant.language.access.apacheconf'],
    ['RewriteEngine On', 'On', 'constant.language.boolean.apacheconf'],
    ['Options', '-«Indexes»', 'constant.language.option.apacheconf'],
    ['Options', '+«FollowSymLinks»', 'constant.language.option.apacheconf'],
    ['Options', '«-»Indexes', 'keyword.operator.option.apacheconf'],
  ],

  'variables: %{SERVER_VAR}, ${DEFINE}, $1 backreferences': [
    ['RewriteCond', '%{«HTTP_USER_AGENT»}', 'variable.other.server.apacheconf'],
    ['Header set X-Env', '${«APP_ENV»}', 'variable.other.define.apacheconf'],
    ['RedirectMatch', '$«1»', 'variable.other.backreference.apacheconf'],
  ],

  'RewriteRule: directive, pattern, and the flags that make the status ([F], [G], [R=301])': [
    ['RewriteRule ^/secret', 'RewriteRule', 'keyword.other.directive.rewrite.apacheconf'],
    ['RewriteRule ^/secret', '^/secret', 'string.regexp.apacheconf'],
    ['RewriteRule ^/secret', '[«F»,L]', 'keyword.other.flag.apacheconf'],
    ['RewriteRule ^/secret', '[F,«L»]', 'keyword.other.flag.apacheconf'],
    ['RewriteRule ^/secret', '[F«,»L]', 'punctuation.separator.flags.apacheconf'],
    ['RewriteRule ^/secret', '«[»F', 'punctuation.definition.flags.begin.apacheconf'],
    ['RewriteRule ^/secret', 'L«]»', 'punctuation.definition.flags.end.apacheconf'],
    ['RewriteRule ^/gone', '[«G»]', 'keyword.other.flag.apacheconf'],
    ['RewriteRule ^/old$', '[«R»=301', 'keyword.other.flag.apacheconf'],
    ['RewriteRule ^/old$', '[R=«301»', 'constant.numeric.status.apacheconf'],
    ['RewriteRule ^/old$', '/new', 'string.unquoted.substitution.apacheconf'],
    ['RewriteCond', '[«NC»]', 'keyword.other.flag.apacheconf'],
    ['RewriteCond', 'badbot', 'string.regexp.apacheconf'],
  ],

  'status codes in ErrorDocument, Redirect and RedirectMatch': [
    ['ErrorDocument', '404', 'constant.numeric.status.apacheconf'],
    ['ErrorDocument', '/errors/404.html', { not: 'constant.numeric.status' }],
    ['Redirect 410', '410', 'constant.numeric.status.apacheconf'],
    ['RedirectMatch', 'permanent', 'constant.language.status.apacheconf'],
    ['RedirectMatch', '^/blog/(.*)$', 'string.regexp.apacheconf'],
  ],
});
