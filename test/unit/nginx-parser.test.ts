/**
 * The tolerant nginx parser: exact ranges, nginx's token rules, odd but valid input, and
 * recovery from broken input with one clear error. A property test feeds it random text.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nginxNodeAt, parseNginx, walkNginx, type NginxDirective, type NginxFile } from '../../server/src/parsers/nginx';

const names = (file: NginxFile) => [...walkNginx(file.directives)].map((d) => d.name);
const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('nginx parser: ranges', () => {
  const text = 'http {\n    # a comment with { and ( and }\n    server {\n        listen 80;\n        return 301 "https://$host$request_uri";\n    }\n}\n';
  const file = parseNginx(text);

  it('keeps exact offsets for directives, names, arguments and blocks', () => {
    const ret = [...walkNginx(file.directives)].find((d) => d.name === 'return')!;
    assert.equal(slice(text, ret), 'return 301 "https://$host$request_uri";');
    assert.equal(text.slice(ret.nameStart, ret.nameEnd), 'return');
    assert.deepEqual(ret.args.map((a) => [slice(text, a), a.value, a.quote]), [['301', '301', undefined], ['"https://$host$request_uri"', 'https://$host$request_uri', '"']]);
    const server = file.directives[0]!.block!.children[0]!;
    assert.equal(server.name, 'server');
    assert.equal(text[server.block!.start], '{');
    assert.equal(text[server.block!.end - 1], '}');
    assert.equal(server.parent, file.directives[0]);
  });

  it('keeps comments, even with braces and parentheses in them', () => {
    assert.deepEqual(file.comments.map((c) => [c.text, slice(text, c)]), [[' a comment with { and ( and }', '# a comment with { and ( and }']]);
    assert.deepEqual(file.errors, []);
  });

  it('finds the node under an offset', () => {
    const at = nginxNodeAt(file, text.indexOf('301') + 1)!;
    assert.equal(at.directive.name, 'return');
    assert.equal(at.argIndex, 0);
    assert.equal(nginxNodeAt(file, text.indexOf('listen') + 2)!.onName, true);
  });
});

describe('nginx parser: odd but valid input', () => {
  it('quoted strings: escapes, braces and semicolons inside, spanning lines', () => {
    const text = `add_header X "a \\"quoted\\" {value};" always;\nlog_format main '{ "a": "$a" '\n    '}';\nbody_filter_by_lua 'x = 1\n  y = 2';\n`;
    const file = parseNginx(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.directives.map((d) => [d.name, d.args.map((a) => a.value)]), [
      ['add_header', ['X', 'a "quoted" {value};', 'always']],
      ['log_format', ['main', '{ "a": "$a" ', '}']],
      ['body_filter_by_lua', ['x = 1\n  y = 2']],
    ]);
  });

  it('${VAR} placeholders of envsubst templates stay inside their word', () => {
    const text = 'server {\n    listen ${PORT};\n    server_name ${HOST}.example.com;\n    return 301 https://${HOST}$request_uri;\n}\n';
    const file = parseNginx(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.directives[0]!.block!.children.map((d) => d.args.map((a) => a.value)), [['${PORT}'], ['${HOST}.example.com'], ['301', 'https://${HOST}$request_uri']]);
  });

  it('map, types, geo and split_clients bodies are data, not directives', () => {
    const text = `map $uri $dest {\n    default 0;\n    ~^/return/(.*) 1;\n    "" 2;\n    deny 3;\n}\ntypes { text/html html htm; }\ngeo $geo { default 0; 10.0.0.0/8 1; }\nsplit_clients "\${remote_addr}" $variant { 50% a; * b; }\n`;
    const file = parseNginx(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(names(file), ['map', 'types', 'geo', 'split_clients']);
    assert.equal(file.directives[0]!.block!.kind, 'data');
    assert.deepEqual(file.directives[0]!.block!.children.map((d) => d.name), ['default', '~^/return/(.*)', '', 'deny']);
    assert.equal(nginxNodeAt(file, text.indexOf('deny') + 1)!.inData, true);
  });

  it('regexes: quoted {n}, parentheses in if conditions, # inside a word', () => {
    const text = 'location ~ "^/a{2}$" { return 404; }\nif ($request_method !~ ^(GET|HEAD)$) { return 405; }\nif ($http_x = "a)b") { return 403; }\nlocation ~* (?:#.*#|\\.bak|~)$ { deny all; }\n';
    const file = parseNginx(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.directives.map((d) => [d.name, d.args.map((a) => a.value)]), [
      ['location', ['~', '^/a{2}$']],
      ['if', ['($request_method', '!~', '^(GET|HEAD)$)']],
      ['if', ['($http_x', '=', 'a)b', ')']],
      ['location', ['~*', '(?:#.*#|\\.bak|~)$']],
    ]);
  });

  it('*_by_lua_block bodies are opaque, braces and strings included', () => {
    const text = 'location / {\n    content_by_lua_block {\n        local t = { a = "}" } -- }\n        ngx.say([[ } ]])\n    }\n    return 200;\n}\n"rewrite_by_lua_block" { a = { 1 } }\n';
    const file = parseNginx(text);
    assert.deepEqual(file.errors, []);
    const loc = file.directives[0]!;
    assert.deepEqual(loc.block!.children.map((d) => d.name), ['content_by_lua_block', 'return']);
    assert.equal(loc.block!.children[0]!.block!.kind, 'opaque');
    assert.equal(file.directives[1]!.name, 'rewrite_by_lua_block');
    assert.deepEqual(names(file), ['location', 'content_by_lua_block', 'return', 'rewrite_by_lua_block']);
  });

  it('escaped characters and comments between arguments', () => {
    const text = "log_format #c1\n    \\#arg\\ 1 #c2\n    '#arg 2' #c3\n    ;\n";
    const file = parseNginx(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.directives[0]!.args.map((a) => a.value), ['\\#arg\\ 1', '#arg 2']);
    assert.equal(file.comments.length, 3);
  });
});

describe('nginx parser: broken input gives one clear error and the rest survives', () => {
  it('a missing ; before a directive on the next line', () => {
    const text = 'location / {\n    deny all\n    allow 10.0.0.1;\n    return 403;\n}\n';
    const file = parseNginx(text);
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0]!.message, /"deny" directive is not terminated by ";"/);
    assert.equal(slice(text, file.errors[0]!), 'deny all');
    assert.deepEqual(names(file), ['location', 'deny', 'allow', 'return']);
  });

  it('a missing ; before }', () => {
    const file = parseNginx('location /a {\n    proxy_pass http://x\n}\nlocation /b { return 404; }\n');
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0]!.message, /proxy_pass/);
    assert.deepEqual(names(file), ['location', 'proxy_pass', 'location', 'return']);
  });

  it('a missing } is blamed on the block whose indentation shows it', () => {
    const text = 'http {\n    server {\n        location / {\n            return 200;\n\n    }\n    server {\n        listen 81;\n    }\n}\n';
    const file = parseNginx(text);
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0]!.message, /"location" block is probably missing its "}"/);
    assert.equal(file.errors[0]!.start, text.indexOf('location'));
  });

  it('an extra } is reported where it is', () => {
    const text = 'server { listen 80; }\n}\nserver { listen 81; }\n';
    const file = parseNginx(text);
    assert.equal(file.errors.length, 1);
    assert.equal(file.errors[0]!.start, text.indexOf('}\nserver'));
    assert.deepEqual(names(file), ['server', 'listen', 'server', 'listen']);
  });

  it('an unterminated quote ends at its line for recovery', () => {
    const text = 'server {\n    return 200 "oops;\n}\n';
    const file = parseNginx(text);
    assert.match(file.errors[0]!.message, /unterminated double-quoted string/);
    assert.equal(file.errors[0]!.start, text.indexOf('"oops'));
  });

  it('an unquoted regex with {n} is an error that names the fix, and parses as meant', () => {
    const text = 'location ~ ^/a{2}$ { return 404; }\nlocation / { return 200; }\n';
    const file = parseNginx(text);
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0]!.message, /must be quoted/);
    assert.deepEqual(file.directives.map((d) => d.args.map((a) => a.value)), [['~', '^/a{2}$'], ['/']]);
  });

  it('a byte order mark, which nginx reads as part of the first name', () => {
    const file = parseNginx('\uFEFFevents {}\nhttp {}\n');
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0]!.message, /byte order mark/);
    assert.deepEqual(file.directives.map((d) => d.name), ['events', 'http']);
  });

  it('a character glued to a closing quote', () => {
    const file = parseNginx('add_header X "a"b;\n');
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0]!.message, /right after a quoted string/);
  });
});

describe('nginx parser: never throws, ranges always inside the text', () => {
  it('survives thousands of nested blocks', () => {
    const text = 'location / {\n'.repeat(5000) + 'return 403;\n' + '}\n'.repeat(5000);
    const file = parseNginx(text);
    assert.deepEqual(file.errors, []);
    let depth = 0;
    for (let d: NginxDirective | undefined = file.directives[0]; d; d = d.block?.children[0]) depth++;
    assert.ok(depth >= 100 && depth < 5000);
    assert.equal(file.directives[0]!.end, text.length - 1);
  });

  const alphabet = fc.constantFrom('server', 'location', ' ', '\n', '\r\n', '{', '}', ';', '"', "'", '\\', '#', '$', '${X}', '(', ')', 'a', '~', '^/a{2}', 'content_by_lua_block', 'map', '--', '[[', ']]');
  it('holds for random input', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), (parts) => {
        const text = parts.join('');
        const file = parseNginx(text);
        const check = (list: NginxDirective[], lo: number, hi: number) => {
          let prev = lo;
          for (const d of list) {
            assert.ok(d.start >= prev && d.start <= d.end && d.end <= hi, `directive range ${d.start}-${d.end} outside ${prev}-${hi}`);
            for (const a of d.args) assert.ok(a.start >= d.start && a.end <= d.end);
            if (d.block) {
              assert.ok(d.block.start >= d.start && d.block.end <= d.end);
              check(d.block.children, d.block.start, d.block.end);
            }
            prev = d.end;
          }
        };
        check(file.directives, 0, text.length);
        for (const e of file.errors) assert.ok(e.start >= 0 && e.start <= e.end && e.end <= text.length);
        for (const c of file.comments) assert.ok(c.start >= 0 && c.end <= text.length);
      }),
      { numRuns: 2000 },
    );
  });
});
