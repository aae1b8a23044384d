/**
 * Apache through the language service: hovers (every directive of the table, KB pages with the
 * facts line, statuses of RewriteRule flags and Redirect), suppression comments, rule settings,
 * "Disable … for this line" / "Show documentation", the single syntax diagnostic, and speed on a
 * 65,000-line config.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, MarkupContent } from 'vscode-languageserver-types';
import table from '../../server/src/data/apache-directives.json';
import { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { createLanguageService } from '../../server/src/service';
import { defaultSettings } from '../../server/src/types';
import { service, withCursor } from '../support/service';

const ls = service();
let version = 1;
const doc = (text: string, file = '/ws/site/.htaccess') => TextDocument.create(`file://${file}`, 'apacheconf', version++, text);

async function hover(input: string, file?: string): Promise<string | undefined> {
  const { text, offset } = withCursor(input);
  const d = doc(text, file);
  const h = await ls.doHover(d, d.positionAt(offset));
  return h ? (h.contents as MarkupContent).value : undefined;
}

describe('Apache hovers', () => {
  it('every directive of the table gets a hover with its facts', async () => {
    const bare = createLanguageService({ kb: new KnowledgeBase([]) });
    const missing: string[] = [];
    for (const [name] of table.directives as string[][]) {
      const text = name!.startsWith('<') ? `${name!.slice(0, -1)} x>\n</${name!.slice(1)}\n` : `${name} x\n`;
      const d = TextDocument.create('file:///ws/httpd.conf', 'apacheconf', version++, text);
      const h = await bare.doHover(d, d.positionAt(name!.startsWith('<') ? 2 : 1));
      const value = h ? (h.contents as MarkupContent).value : '';
      if (!value.includes('Context:') || !value.includes('Module:')) missing.push(name!);
    }
    assert.deepEqual(missing, []);
  });

  it('shows the table facts for a directive without a KB page', async () => {
    const text = (await hover('Server|Tokens Prod', '/ws/httpd.conf'))!;
    assert.match(text, /\*\*ServerTokens\*\* · Apache `core`/);
    assert.match(text, /ServerTokens Major\|Minor/);
    assert.match(text, /Default: ServerTokens Full/);
    assert.match(text, /Context: server config/);
  });

  it('shows the KB page of an access directive with its statuses, and the facts line under it', async () => {
    const text = (await hover('Req|uire all denied'))!;
    assert.match(text, /\*\*Statuses\*\*/);
    assert.match(text, /403/);
    assert.match(text, /_Context: directory, \.htaccess · AllowOverride: AuthConfig · Module: `mod_authz_core`/);
    const section = (await hover('<Dir|ectory "/srv">\n</Directory>\n', '/ws/httpd.conf'))!;
    assert.match(section, /Context: server config, virtual host/);
  });

  it('explains statuses in RewriteRule flags, ErrorDocument and Redirect*', async () => {
    assert.match((await hover('RewriteRule ^old /new [R=perm|anent,L]'))!, /301 Moved Permanently/);
    assert.match((await hover('RewriteRule ^x - [NC,G|]'))!, /410 Gone/);
    assert.match((await hover('Redirect g|one /old'))!, /410 Gone/);
    assert.match((await hover('RedirectMatch 4|04 "/\\.git"'))!, /404 Not Found/);
    assert.match((await hover('ErrorDocument 5|03 /busy.html'))!, /503 Service Unavailable/);
    assert.equal(await hover('Listen 4|43', '/ws/httpd.conf'), undefined);
    assert.equal(await hover('# ErrorDocument 4|03 /x'), undefined);
  });
});

describe('Apache suppression, settings and code actions', () => {
  const listing = '<Directory "/srv">\n    Options Indexes\n</Directory>\n';
  const ids = async (text: string, l = ls) => (await l.findings(doc(text, '/ws/httpd.conf'))).map((f) => f.ruleId);

  it('honours statuslens-disable-next-line and file-level statuslens-disable (whole-line # comments)', async () => {
    assert.deepEqual(await ids(listing), ['apache/indexes-enabled']);
    assert.deepEqual(await ids(listing.replace('    Options', '    # statuslens-disable-next-line apache/indexes-enabled\n    Options')), []);
    assert.deepEqual(await ids(`# statuslens-disable apache/indexes-enabled\n${listing}`), []);
    // Another rule's id does not silence this one.
    assert.deepEqual(await ids(listing.replace('    Options', '    # statuslens-disable-next-line apache/inline-comment\n    Options')), ['apache/indexes-enabled']);
  });

  it('applies statuslens.rules severities and "off"', async () => {
    const settings = defaultSettings();
    settings.rules['apache/indexes-enabled'] = 'error';
    const strict = service(settings);
    assert.deepEqual((await strict.findings(doc(listing, '/ws/httpd.conf'))).map((f) => f.severity), ['error']);
    settings.rules['apache/indexes-enabled'] = 'off';
    assert.deepEqual(await ids(listing, service(settings)), []);
  });

  it('"Disable … for this line" inserts a whole-line comment above, at the indentation, and it works', async () => {
    const d = doc(listing, '/ws/httpd.conf');
    const diagnostics = await ls.doValidation(d);
    const actions: CodeAction[] = await ls.doCodeActions(d, diagnostics[0]!.range, { diagnostics });
    assert.deepEqual(actions.map((a) => a.title), ['Turn every option off (`Options None`)', 'Disable apache/indexes-enabled for this line', 'Show documentation for apache/indexes-enabled']);
    const disable = actions[1]!.edit!.changes![d.uri]!;
    const after = TextDocument.applyEdits(d, disable);
    assert.equal(after, '<Directory "/srv">\n    # statuslens-disable-next-line apache/indexes-enabled\n    Options Indexes\n</Directory>\n');
    assert.deepEqual(await ids(after), []);
    assert.deepEqual(actions[2]!.command?.arguments, ['apache/indexes-enabled', 'file:///statuslens/content/rules/apache/indexes-enabled.md']);
  });

  it('reports one syntax diagnostic for a broken file and still runs the rules', async () => {
    const findings = await ls.findings(doc('<Directory "/a">\n  Options +Indexes\n</Files>\n<Location /b>\n', '/ws/httpd.conf'));
    const syntax = findings.filter((f) => f.ruleId === 'apache/syntax');
    assert.equal(syntax.length, 1);
    assert.match(syntax[0]!.message, /apache2 -t fails/);
    assert.ok(findings.some((f) => f.ruleId === 'apache/indexes-enabled'));
    const htaccess = await ls.findings(doc('<Files x>\n'));
    assert.match(htaccess.find((f) => f.ruleId === 'apache/syntax')!.message, /500 Internal Server Error/);
  });
});

describe('Apache at scale', () => {
  it('analyses a 65,000-line config (parse and every rule) quickly', async () => {
    const parts: string[] = ['ServerRoot "/srv"', 'DocumentRoot "/srv/www"', '<Files ".ht*">', '    Require all denied', '</Files>'];
    for (let i = 0; i < 5420; i++) {
      parts.push(
        `<VirtualHost *:80>`,
        `    ServerName s${i}.example.com`,
        `    <Directory "/srv/www/s${i}">`,
        `        Options -Indexes +FollowSymLinks`,
        `        AllowOverride FileInfo`,
        `        Require all granted`,
        `        RewriteEngine On`,
        `        RewriteRule ^old/(.*)$ /new/$1 [R=301,L]`,
        `    </Directory>`,
        `    ErrorDocument 404 /errors/404.html`,
        `</VirtualHost>`,
        '',
      );
    }
    const text = parts.join('\n');
    assert.ok(text.split('\n').length >= 65_000);
    const l = createLanguageService({ kb: new KnowledgeBase([]) });
    const t0 = performance.now();
    const findings = await l.findings(TextDocument.create('file:///ws/big/httpd.conf', 'apacheconf', 1, text));
    const ms = performance.now() - t0;
    assert.deepEqual(findings.map((f) => f.ruleId), []);
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
    console.log(`apache: 65,000-line config analysed in ${ms.toFixed(0)} ms`);
  });

  it('stays linear with thousands of sections that each need a per-section look (legacy groups, AuthType)', async () => {
    const blocks: string[] = [];
    for (let i = 0; i < 8000; i++) blocks.push(`<Directory "/srv/d${i}">\n    Order deny,allow\n    Deny from all\n    AuthType Basic\n    AuthName "x"\n</Directory>`);
    const l = createLanguageService({ kb: new KnowledgeBase([]) });
    const t0 = performance.now();
    const findings = await l.findings(TextDocument.create('file:///ws/big/sites-available/many.conf', 'apacheconf', 1, blocks.join('\n') + '\n'));
    const ms = performance.now() - t0;
    assert.equal(findings.filter((f) => f.ruleId === 'apache/legacy-access-control').length, 16_000);
    assert.equal(findings.filter((f) => f.ruleId === 'apache/auth-without-require').length, 8000);
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
    console.log(`apache: 8,000 sections with legacy lines and AuthType analysed in ${ms.toFixed(0)} ms`);
  });

  it('still reports findings 6,000 sections deep (no recursion to overflow)', async () => {
    const depth = 6000;
    const text = '<IfModule mod_x.c>\n'.repeat(depth) + 'Options +Indexes\nOrder allow,deny\nRequire all granted\n' + '</IfModule>\n'.repeat(depth);
    const l = createLanguageService({ kb: new KnowledgeBase([]) });
    const errors: string[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void errors.push(a.map(String).join(' '));
    try {
      const ids = (await l.findings(TextDocument.create('file:///ws/deep/.htaccess', 'apacheconf', 1, text))).map((f) => f.ruleId).sort();
      assert.deepEqual(ids, ['apache/indexes-enabled', 'apache/legacy-access-control', 'apache/mixed-access-control']);
    } finally {
      console.error = original;
    }
    assert.deepEqual(errors, []);
  });
});
