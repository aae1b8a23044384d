/** The Apache parser: words as `ap_getword_conf` splits them, sections, continuations, errors, speed. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { apacheNodeAt, parseApache, walkApache } from '../../server/src/parsers/apache';

const values = (src: string) => parseApache(src).directives.map((d) => [d.name, ...d.args.map((a) => a.value)]);

describe('Apache parser: words', () => {
  it('splits on blanks and keeps offsets of every word', () => {
    const src = 'Header  set X-A "a b"\n';
    const [d] = parseApache(src).directives;
    assert.deepEqual(d!.args.map((a) => a.value), ['set', 'X-A', 'a b']);
    assert.deepEqual(d!.args.map((a) => src.slice(a.start, a.end)), ['set', 'X-A', '"a b"']);
    assert.equal(d!.args[2]!.quote, '"');
    assert.equal(src.slice(d!.nameStart, d!.nameEnd), 'Header');
  });

  it('unescapes only \\\\ and the quote inside quotes, like Apache (regexes keep their backslashes)', () => {
    assert.deepEqual(values('RewriteRule "\\.(js|css)$" - [F]\n'), [['RewriteRule', '\\.(js|css)$', '-', '[F]']]);
    assert.deepEqual(values('Header set X "say \\"hi\\" \\\\ ok"\n'), [['Header', 'set', 'X', 'say "hi" \\ ok']]);
    assert.deepEqual(values("SetEnvIf UA 'it\\'s' X\n"), [['SetEnvIf', 'UA', "it's", 'X']]);
  });

  it('ends a quoted word at its closing quote, and accepts an unterminated quote as Apache does', () => {
    assert.deepEqual(values('X "a"b c\n'), [['X', 'a', 'b', 'c']]);
    const f = parseApache('ErrorDocument 404 "Not found here\n');
    assert.deepEqual(f.errors, []);
    assert.deepEqual(f.directives[0]!.args.map((a) => a.value), ['404', 'Not found here']);
  });

  it('reads a quote inside an unquoted word literally', () => {
    assert.deepEqual(values('RewriteCond %{HTTP:X} ^a"b$\n'), [['RewriteCond', '%{HTTP:X}', '^a"b$']]);
  });

  it('joins continuation lines, mapping offsets back to the document', () => {
    const src = 'Options -Indexes \\\n    +FollowSymLinks\nRequire all granted\n';
    const f = parseApache(src);
    assert.deepEqual(f.directives.map((d) => d.name), ['Options', 'Require']);
    const plus = f.directives[0]!.args[1]!;
    assert.equal(src.slice(plus.start, plus.end), '+FollowSymLinks');
    assert.equal(f.directives[0]!.end, src.indexOf('\nRequire'));
  });

  it('handles CRLF line ends', () => {
    const src = 'Options -Indexes\r\nRequire all granted\r\n';
    const f = parseApache(src);
    assert.deepEqual(f.directives.map((d) => d.args.map((a) => a.value)), [['-Indexes'], ['all', 'granted']]);
    assert.equal(src.slice(f.directives[0]!.start, f.directives[0]!.end), 'Options -Indexes');
  });

  it('takes whole-line comments only: a # after a directive is an argument', () => {
    const f = parseApache('# a comment\n   # indented\nOptions -Indexes # trailing\n');
    assert.equal(f.comments.length, 2);
    assert.deepEqual(f.directives[0]!.args.map((a) => a.value), ['-Indexes', '#', 'trailing']);
  });

  it('resolves ${VAR} of an earlier Define (and leaves unknown ones alone)', () => {
    const f = parseApache('Define root /srv/www\nDocumentRoot ${root}/public\nAlias /x ${unknown}/x\nUndefine root\nDocumentRoot ${root}\n');
    const roots = [...walkApache(f.directives)].filter((d) => d.lname === 'documentroot').map((d) => d.args[0]!.value);
    assert.deepEqual(roots, ['/srv/www/public', '${root}']);
    assert.equal(f.directives[2]!.args[1]!.value, '${unknown}/x');
    assert.equal(f.directives[1]!.args[0]!.raw, '${root}/public');
  });
});

describe('Apache parser: sections', () => {
  it('nests sections and closes them case-insensitively', () => {
    const f = parseApache('<VirtualHost *:80>\n  <Directory "/srv">\n    Require all granted\n  </directory>\n</VIRTUALHOST>\n');
    assert.deepEqual(f.errors, []);
    const vhost = f.directives[0]!;
    assert.equal(vhost.lname, 'virtualhost');
    assert.deepEqual(vhost.args.map((a) => a.value), ['*:80']);
    const dir = vhost.section!.children[0]!;
    assert.equal(dir.args[0]!.value, '/srv');
    assert.equal(dir.section!.children[0]!.parent, dir);
    assert.equal(dir.parent, vhost);
  });

  it('reads section arguments up to the last ">" (quoted ">" included), like Apache', () => {
    const f = parseApache('<If "%{QUERY_STRING} =~ /a>b/">\n</If>\n<IfModule !mod_authz_core.c>\n</IfModule>\n<IfModule>\n</IfModule>\n');
    assert.deepEqual(f.errors, []);
    assert.deepEqual(f.directives.map((d) => d.args.map((a) => a.value)), [['%{QUERY_STRING} =~ /a>b/'], ['!mod_authz_core.c'], []]);
  });

  for (const [label, src, message] of [
    ['an unclosed section', '<Directory "/srv">\n  Require all granted\n', /<Directory> is never closed/],
    ['a mismatched close', '<Directory "/srv">\n</Files>\n</Directory>\n', /<\/Files> does not match the open <Directory>/],
    ['a close without an open section', 'Require all granted\n</Directory>\n', /never opened/],
    ['an opener without ">"', '<Directory "/srv"\n</Directory>\n', /missing its closing ">"/],
  ] as const) {
    it(`reports ${label}, and keeps the rest parsed`, () => {
      const f = parseApache(src);
      assert.ok(f.errors.length >= 1);
      assert.match(f.errors[0]!.message, message);
      assert.ok([...walkApache(f.directives)].length >= 1);
    });
  }

  it('closing an outer section closes the inner ones left open, with one error for them', () => {
    const f = parseApache('<VirtualHost *>\n<Directory /a>\nRequire all granted\n</VirtualHost>\nListen 80\n');
    assert.equal(f.errors.length, 1);
    assert.match(f.errors[0]!.message, /<Directory> is not closed before <\/VirtualHost>/);
    assert.equal(f.directives[1]!.name, 'Listen');
    assert.equal(f.directives[1]!.parent, undefined);
  });

  it('finds the innermost directive and argument at an offset', () => {
    const src = '<Directory /a>\n  ErrorDocument 403 /x.html\n</Directory>\n';
    const f = parseApache(src);
    const hit = apacheNodeAt(f, src.indexOf('403') + 1)!;
    assert.equal(hit.directive.name, 'ErrorDocument');
    assert.equal(hit.argIndex, 0);
    assert.equal(apacheNodeAt(f, src.indexOf('Directory') + 2)!.onName, true);
  });
});

describe('Apache parser: robustness and speed', () => {
  it('never throws on hostile input', () => {
    for (const src of ['', '\\', '<', '</', '<>', '</>', '"', '<"a>', '\\\n\\\n', '<A\n<B\n</A>\n</B>', '\u0000\uffff', 'x'.repeat(100_000), '<D>\n'.repeat(5000)]) {
      const f = parseApache(src);
      assert.ok(Array.isArray(f.directives));
    }
  });

  it('parses a 65,000-line config in well under a second', () => {
    let big = '';
    for (let i = 0; i < 6500; i++) big += `<Directory "/var/www/s${i}">\n  Options -Indexes \\\n    +FollowSymLinks\n  AllowOverride None\n  Require all granted\n  RewriteRule ^x/(.*)$ /y/$1 [R=301,L]\n</Directory>\n# comment ${i}\nErrorDocument 404 /e.html\n\n`;
    assert.ok(big.split('\n').length >= 65_000);
    const t0 = performance.now();
    const f = parseApache(big);
    const ms = performance.now() - t0;
    assert.equal(f.directives.length, 13_000);
    assert.deepEqual(f.errors, []);
    assert.ok(ms < 1500, `${ms.toFixed(0)} ms`);
  });
});
