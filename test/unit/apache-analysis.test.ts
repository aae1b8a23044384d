/**
 * What the Apache rules stand on: file kinds and contexts, 2.2-only branches, the directive table
 * (documented contexts corrected by apache2 -t), the Require translation of 2.2 access control,
 * Include following, and the governing config of a .htaccess (in-memory workspaces).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { legacyGroups, legacyMeaning, renderRequire, satisfiesAny } from '../../server/src/analysis/apacheAccess';
import { allowedIn, contextOf, fileKindOf, inactiveOn24 } from '../../server/src/analysis/apacheContext';
import { apacheDirective, apacheDirectiveCount } from '../../server/src/analysis/apacheDirectives';
import { directoryCovers } from '../../server/src/analysis/apacheGoverning';
import { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { parseApache, walkApache, type ApacheDirective } from '../../server/src/parsers/apache';
import { createLanguageService } from '../../server/src/service';
import { memoryWorkspace } from '../../server/src/workspace';

const find = (src: string, name: string): ApacheDirective => [...walkApache(parseApache(src).directives)].find((d) => d.lname === name)!;

describe('Apache file kinds and contexts', () => {
  const empty = parseApache('');
  for (const [p, kind] of [
    ['/ws/site/.htaccess', 'htaccess'],
    ['/ws/joomla/htaccess.txt', 'htaccess'],
    ['/ws/drupal/assets/scaffold/files/htaccess', 'htaccess'],
    ['/ws/etc/apache2/apache2.conf', 'server'],
    ['/ws/etc/httpd/conf/httpd.conf', 'server'],
    ['/ws/etc/apache2/sites-available/000-default.conf', 'server'],
    ['/ws/etc/apache2/conf-enabled/security.conf', 'server'],
    ['/ws/etc/httpd/conf.d/ssl.conf', 'server'],
    ['/ws/h5bp/rewrites/rewrite_nowww.conf', 'unknown'],
  ] as const) {
    it(`${p} is ${kind}`, () => assert.equal(fileKindOf(p, empty), kind));
  }

  it('infers server context from server-only directives at the top level of an unnamed file', () => {
    assert.equal(fileKindOf('/ws/x.conf', parseApache('<IfModule mod_ssl.c>\n  Listen 443\n</IfModule>\n')), 'server');
    assert.equal(fileKindOf('/ws/x.conf', parseApache('ServerName example.com\n')), 'server-or-vhost');
    assert.equal(fileKindOf('/ws/x.conf', parseApache('Header set X 1\n')), 'unknown');
  });

  it('gives each place its context', () => {
    const src = 'A1 x\n<VirtualHost *>\n A2 x\n <Directory /a>\n  A3 x\n  <Files f>\n   A4 x\n  </Files>\n </Directory>\n <Location /l>\n  A5 x\n </Location>\n <If "true">\n  A6 x\n </If>\n <IfModule m>\n  A7 x\n </IfModule>\n</VirtualHost>\n<Macro M $x>\n A8 x\n</Macro>\n';
    const ctx = (name: string, kind: Parameters<typeof contextOf>[1]) => contextOf(find(src, name), kind);
    assert.deepEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'].map((n) => ctx(n, 'server')), ['s', 'v', 'd', 'f', 'l', 'i', 'v', undefined]);
    assert.equal(ctx('a1', 'unknown'), undefined);
    assert.equal(ctx('a1', 'server-or-vhost'), 'sv');
    assert.equal(ctx('a4', 'htaccess'), 'h');
  });

  it('knows the 2.2-only branches of a 2.4 config', () => {
    const dead = (open: string) => inactiveOn24(find(`${open}\n  Order allow,deny\n</X>\n`, 'order'));
    assert.equal(dead('<IfModule !mod_authz_core.c>'), true);
    assert.equal(dead('<IfModule !authz_core_module>'), true);
    assert.equal(dead('<IfModule mod_authz_core.c>'), false);
    assert.equal(dead('<IfVersion < 2.4>'), true);
    assert.equal(dead('<IfVersion = 2.2>'), true);
    assert.equal(dead('<IfVersion >= 2.4>'), false);
    assert.equal(dead('<IfVersion !< 2.4>'), false);
    assert.equal(dead('<IfVersion < 2.4.10>'), false); // depends on the patch level
    assert.equal(dead('<IfVersion ~ ^2\\.2>'), false); // regex: left alone
  });
});

describe('Apache directive table', () => {
  it('holds the whole 2.4 reference with facts', () => {
    assert.ok(apacheDirectiveCount() > 600);
    const require = apacheDirective('REQUIRE')!;
    assert.equal(require.module, 'mod_authz_core');
    assert.deepEqual([...require.contexts].sort(), ['d', 'h']);
    assert.deepEqual(require.override, ['AuthConfig']);
    assert.equal(apacheDirective('Directory', true)!.name, '<Directory>');
    assert.equal(apacheDirective('php_value'), undefined);
  });

  it('corrects the documented contexts with what apache2 -t accepts', () => {
    const ctx = (name: string, where: Parameters<typeof allowedIn>[1]) => allowedIn(apacheDirective(name)!, where);
    // Documented for "directory", refused in <Directory>, taken in <Location>.
    assert.equal(ctx('Alias', 'd'), false);
    assert.equal(ctx('Alias', 'l'), true);
    // Documented for "server config" only, accepted in a vhost.
    assert.equal(apacheDirective('TypesConfig')!.contexts.has('v'), false);
    assert.equal(ctx('TypesConfig', 'v'), true);
    // Refused where the docs say so.
    assert.equal(ctx('Require', 'v'), false);
    assert.equal(ctx('Listen', 'v'), false);
    assert.equal(ctx('Listen', 'h'), false);
    // Read-time directives run before Apache looks at the section around them.
    assert.equal(ctx('LoadModule', 'd'), true);
    assert.equal(ctx('LoadModule', 'h'), false);
  });
});

describe('2.2 access control as Require lines', () => {
  const convert = (body: string) => {
    const g = legacyGroups(parseApache(`<Directory /x>\n${body}\n</Directory>\n`))[0]!;
    const m = legacyMeaning(g);
    return m && renderRequire(m, '', '  ').join('\n');
  };
  const cases: [string, string | undefined][] = [
    ['Order allow,deny\nAllow from all', 'Require all granted'],
    ['Order allow,deny\nDeny from all', 'Require all denied'],
    ['Order allow,deny', 'Require all denied'],
    ['Order deny,allow', 'Require all granted'],
    ['Deny from all', 'Require all denied'], // Deny,Allow is the default order
    ['Order deny,allow\nDeny from all\nAllow from 10.0.0.0/8', 'Require ip 10.0.0.0/8'],
    ['Order Deny,Allow\nDeny from all\nAllow from 10.0.0.0/255.0.0.0 ::1 example.org\nAllow from env=trusted', 'Require ip 10.0.0.0/255.0.0.0 ::1\nRequire host example.org\nRequire env trusted'],
    ['Order allow,deny\nAllow from all\nDeny from 203.0.113.9', '<RequireAll>\n  Require all granted\n  Require not ip 203.0.113.9\n</RequireAll>'],
    ['Order allow,deny\nAllow from 10.0.0.0/8\nDeny from 10.1.2.3', '<RequireAll>\n  Require ip 10.0.0.0/8\n  Require not ip 10.1.2.3\n</RequireAll>'],
    ['Order deny,allow\nDeny from 10.1.2.3', '<RequireAll>\n  Require all granted\n  Require not ip 10.1.2.3\n</RequireAll>'],
    ['Order mutual-failure\nAllow from 10.0.0.0/8\nDeny from all', 'Require all denied'],
    ['Deny from env=!ok', undefined],
    ['Order sideways\nDeny from all', undefined],
    ['Allow all', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${input.replace(/\n/g, ' + ')} → ${expected?.replace(/\n\s*/g, ' ') ?? 'no translation'}`, () => assert.equal(convert(input), expected));
  }

  it('reads Satisfy', () => {
    const g = (s: string) => legacyGroups(parseApache(`<Directory /x>\nDeny from all\n${s}\n</Directory>\n`))[0]!;
    assert.equal(satisfiesAny(g('Satisfy Any')), true);
    assert.equal(satisfiesAny(g('Satisfy all')), false);
    assert.equal(satisfiesAny(g('')), false);
  });

  it('skips lines Apache 2.4 never reads', () => {
    assert.deepEqual(legacyGroups(parseApache('<IfModule !mod_authz_core.c>\nDeny from all\n</IfModule>\n<IfModule mod_access_compat.c>\nDeny from all\n</IfModule>\n')), []);
  });
});

const kb = new KnowledgeBase([]);
let version = 1;
async function findingsIn(files: Record<string, string>, target: string, roots: string[] = []) {
  const ls = createLanguageService({ kb, files: memoryWorkspace(files, roots) });
  const doc = TextDocument.create(`file://${target}`, 'apacheconf', version++, files[target]!);
  return { doc, findings: await ls.findings(doc), ls };
}

describe('Include following', () => {
  const debian = {
    '/ws/etc/apache2/apache2.conf': 'Include ports.conf\nIncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\nDocumentRoot /var/www/html\n',
    '/ws/etc/apache2/ports.conf': 'Listen 80\n',
    '/ws/etc/apache2/conf-enabled/security.conf': '<FilesMatch "^\\.ht">\n  Require all denied\n</FilesMatch>\n',
    '/ws/etc/apache2/sites-enabled/a.conf': '<VirtualHost *:80>\n  DocumentRoot /var/www/a\n</VirtualHost>\n',
  };

  it('resolves relative includes against the ServerRoot copy and links them', async () => {
    const { doc, ls } = await findingsIn(debian, '/ws/etc/apache2/apache2.conf');
    const links = await ls.findDocumentLinks(doc);
    assert.deepEqual(links.map((l) => l.target), ['file:///ws/etc/apache2/ports.conf', 'file:///ws/etc/apache2/conf-enabled/security.conf', 'file:///ws/etc/apache2/sites-enabled/a.conf']);
  });

  it('finds the .ht* protection of an included file (no ht-files-exposed), and stays quiet when an include cannot be followed', async () => {
    const { findings } = await findingsIn(debian, '/ws/etc/apache2/apache2.conf');
    assert.ok(!findings.some((f) => f.ruleId === 'apache/ht-files-exposed'));
    const unprotected = { ...debian, '/ws/etc/apache2/conf-enabled/security.conf': 'ServerTokens Prod\n' };
    assert.equal((await findingsIn(unprotected, '/ws/etc/apache2/apache2.conf')).findings.filter((f) => f.ruleId === 'apache/ht-files-exposed').length, 1);
    const missing = { ...unprotected, '/ws/etc/apache2/apache2.conf': debian['/ws/etc/apache2/apache2.conf'] + 'Include mods-enabled/*.load\n' };
    assert.equal((await findingsIn(missing, '/ws/etc/apache2/apache2.conf')).findings.filter((f) => f.ruleId === 'apache/ht-files-exposed').length, 0);
  });

  it('maps RHEL includes (relative to ServerRoot, one level above conf/) and absolute ones, and survives cycles', async () => {
    const files = {
      '/ws/etc/httpd/conf/httpd.conf': 'ServerRoot "/etc/httpd"\nInclude conf.modules.d/*.conf\nIncludeOptional /etc/httpd/conf.d/*.conf\nInclude conf/httpd.conf\n',
      '/ws/etc/httpd/conf.modules.d/00-base.conf': 'LoadModule alias_module modules/mod_alias.so\n',
      '/ws/etc/httpd/conf.d/site.conf': 'Include /etc/httpd/conf/httpd.conf\n',
    };
    const { doc, ls } = await findingsIn(files, '/ws/etc/httpd/conf/httpd.conf');
    const targets = (await ls.findDocumentLinks(doc)).map((l) => l.target);
    assert.deepEqual(targets, ['file:///ws/etc/httpd/conf.modules.d/00-base.conf', 'file:///ws/etc/httpd/conf.d/site.conf']);
  });
});

describe('The governing config of a .htaccess', () => {
  const apache2 = '<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>\n<Directory /var/www/>\n  AllowOverride None\n  Require all granted\n</Directory>\n';
  const site = (override: string, extra = '') => `<VirtualHost *:80>\n  DocumentRoot /var/www/html\n  <Directory /var/www/html>\n    AllowOverride ${override}\n${extra}  </Directory>\n</VirtualHost>\n`;
  const ws = (siteText: string, htaccess: string, where = '/ws/var/www/html/blog/.htaccess') => ({
    '/ws/etc/apache2/apache2.conf': apache2 + 'IncludeOptional sites-enabled/*.conf\n',
    '/ws/etc/apache2/sites-enabled/site.conf': siteText,
    [where]: htaccess,
  });
  const override = async (files: Record<string, string>, target = '/ws/var/www/html/blog/.htaccess') => (await findingsIn(files, target, ['/ws'])).findings.filter((f) => f.ruleId === 'apache/override-not-allowed');

  it('maps <Directory /var/www/html> onto the workspace copy by path suffix', () => {
    assert.equal(directoryCovers('/var/www/html', '/ws/var/www/html/blog'), 3);
    assert.equal(directoryCovers('/var/www/*/public', '/ws/var/www/app/public'), 4);
    assert.equal(directoryCovers('/var/www/html', '/ws/srv/html'), -1);
    assert.equal(directoryCovers('/', '/anything'), 0);
  });

  it('AllowOverride None: the whole file is ignored (information, A1b)', async () => {
    const found = await override(ws(site('FileInfo'), 'Require all denied\n', '/ws/var/www/other/.htaccess'), '/ws/var/www/other/.htaccess');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'info');
    assert.match(found[0]!.message, /AllowOverride None.*etc\/apache2\/apache2\.conf:6.*never reads this \.htaccess.*A1b/);
  });

  it('a directive of a class AllowOverride does not allow: 500, naming the class and the line (A1c)', async () => {
    const found = await override(ws(site('FileInfo'), 'RewriteEngine On\nRequire all denied\n'));
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /^Require needs AllowOverride AuthConfig, which `AllowOverride FileInfo` \(etc\/apache2\/sites-enabled\/site\.conf:4, in <Directory \/var\/www\/html>\).*500 Internal Server Error.*A1c/);
  });

  it('AllowOverrideList, All, Nonfatal=Override and Options=… are honoured', async () => {
    assert.equal((await override(ws(site('None', '    AllowOverrideList Require\n'), 'Require all denied\n'))).length, 0);
    assert.equal((await override(ws(site('All'), 'Require all denied\nOptions -Indexes\n'))).length, 0);
    const nonfatal = await override(ws(site('FileInfo Nonfatal=Override'), 'Require all denied\n'));
    assert.match(nonfatal[0]!.message, /Nonfatal=Override Apache skips this line/);
    const options = await override(ws(site('Options=Indexes,MultiViews'), 'Options -Indexes +FollowSymLinks\n'));
    assert.deepEqual(options.map((f) => f.message.split(' is not')[0]), ['Option FollowSymLinks']);
  });

  it('stays quiet without a governing config, or when only <Directory /> covers the folder', async () => {
    assert.equal((await override({ '/ws/site/.htaccess': 'Require all denied\n' }, '/ws/site/.htaccess')).length, 0);
    assert.equal((await override({ '/ws/apache2.conf': apache2, '/ws/site/.htaccess': 'Require all denied\n' }, '/ws/site/.htaccess')).length, 0);
  });

  it('takes the most permissive of several virtual hosts covering the folder', async () => {
    const two = site('FileInfo') + site('AuthConfig FileInfo');
    assert.equal((await override(ws(two, 'Require all denied\n'))).length, 0);
  });

  it('counts a Require of the governing <Directory> for apache/auth-without-require', async () => {
    const auth = 'AuthType Basic\nAuthName "x"\nAuthUserFile /etc/apache2/.htpasswd\n';
    const quiet = (await findingsIn(ws(site('AuthConfig', '    Require valid-user\n'), auth), '/ws/var/www/html/blog/.htaccess', ['/ws'])).findings;
    assert.ok(!quiet.some((f) => f.ruleId === 'apache/auth-without-require'));
    const loud = (await findingsIn(ws(site('AuthConfig', '    Require all granted\n'), auth), '/ws/var/www/html/blog/.htaccess', ['/ws'])).findings;
    assert.ok(loud.some((f) => f.ruleId === 'apache/auth-without-require'));
  });
});
