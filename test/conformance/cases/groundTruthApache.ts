/**
 * The Apache cases of ../shared/ground-truth/table.md (A1a..A11d), re-measured in our own stack.
 * Configs follow run_all.sh (modules per case as there); A9..A11 put a .htaccess under a
 * `<Directory>` with `AllowOverride All` and `Require all granted`, as the table says.
 */
import * as path from 'node:path';
import { HTPASSWD_PASSWORD, HTPASSWD_USER, sandboxFile } from '../harness';
import type { CaseContext, ConformanceCase } from './support';

const GOOD = `${HTPASSWD_USER}:${HTPASSWD_PASSWORD}`;
const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="x"' };
const AUTH_MODULES = ['authz_core', 'auth_basic', 'authn_core', 'authn_file', 'authz_user'];

const docroot = (ctx: CaseContext, dir: string) => `DocumentRoot "${path.join(ctx.sandbox.htdocs, dir)}"`;

/**
 * A .htaccess case (A9..A11): docroot `htdocs/<id>/`, the file `<sub>/x.txt` (and index.html,
 * and `moreFiles` relative to `<sub>`) next to `<sub>/.htaccess`, under `AllowOverride All` +
 * `Require all granted`.
 */
function htaccessCase(ctx: CaseContext, sub: string, htaccess: string, moreFiles: string[] = []): string {
  const root = path.join('apache', 'htdocs', ctx.id);
  for (const file of moreFiles) sandboxFile(ctx.sandbox, path.join(root, sub, file), `${file}\n`);
  sandboxFile(ctx.sandbox, path.join(root, sub, 'x.txt'), `${sub}\n`);
  sandboxFile(ctx.sandbox, path.join(root, sub, 'index.html'), `index of ${sub}\n`);
  sandboxFile(ctx.sandbox, path.join(root, sub, '.htaccess'), htaccess);
  const dir = path.join(ctx.sandbox.root, root);
  return `DocumentRoot "${dir}"\n<Directory "${dir}">\n    AllowOverride All\n    Require all granted\n</Directory>`;
}

export const apacheGroundTruth: ConformanceCase[] = [
  ...(['a', 'b'] as const).map(
    (v): ConformanceCase => ({
      id: `A1${v}`,
      server: 'apache',
      essence: v === 'a' ? '.htaccess `Require all denied`, `AllowOverride All`' : 'same .htaccess, `AllowOverride None`',
      run: (ctx) =>
        ctx.apache(
          `${docroot(ctx, 'A1')}\n<Directory "${ctx.sandbox.htdocs}/A1">\n    AllowOverride ${v === 'a' ? 'All' : 'None'}\n</Directory>`,
          (s) => ctx.check(s, { path: '/index.html' }, { status: v === 'a' ? 403 : 200 }),
          { modules: ['authz_core'] },
        ),
    }),
  ),
  {
    id: 'A1c',
    server: 'apache',
    essence: 'same .htaccess, `AllowOverride Indexes` (no AuthConfig)',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A1')}\n<Directory "${ctx.sandbox.htdocs}/A1">\n    AllowOverride Indexes\n</Directory>`,
        async (s) => {
          await ctx.check(s, { path: '/index.html' }, { status: 500 });
          await ctx.expectLog(s, /\[core:alert\].*\.htaccess: Require not allowed here/);
        },
        { modules: ['authz_core'] },
      ),
  },
  {
    id: 'A2a',
    server: 'apache',
    essence: '`Order deny,allow` + `Deny from all` (mod_access_compat)',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A2')}\n<Directory "${ctx.sandbox.htdocs}/A2">\n    Order deny,allow\n    Deny from all\n</Directory>`,
        async (s) => {
          await ctx.check(s, { path: '/index.html' }, { status: 403 });
          await ctx.expectLog(s, /\[access_compat:error\].*AH01797: client denied by server configuration/);
        },
        { modules: ['authz_core', 'access_compat'] },
      ),
  },
  {
    id: 'A2b',
    server: 'apache',
    essence: 'same, mod_access_compat NOT loaded',
    run: (ctx) =>
      ctx.apacheRejects(`${docroot(ctx, 'A2')}\n<Directory "${ctx.sandbox.htdocs}/A2">\n    Order deny,allow\n    Deny from all\n</Directory>`, /Invalid command 'Order'/, {
        modules: ['authz_core'],
      }),
  },
  {
    id: 'A2c',
    server: 'apache',
    essence: '`Require all granted` + `Deny from all` same scope',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A2')}\n<Directory "${ctx.sandbox.htdocs}/A2">\n    Require all granted\n    Deny from all\n</Directory>`,
        async (s) => {
          await ctx.check(s, { path: '/index.html' }, { status: 403 });
          await ctx.expectLog(s, /\[access_compat:error\].*AH01797/);
        },
        { modules: ['authz_core', 'access_compat'] },
      ),
  },
  {
    id: 'A2d',
    server: 'apache',
    essence: '... + `Satisfy Any`',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A2')}\n<Directory "${ctx.sandbox.htdocs}/A2">\n    Require all granted\n    Deny from all\n    Satisfy Any\n</Directory>`,
        (s) => ctx.check(s, { path: '/index.html' }, { status: 200 }),
        { modules: ['authz_core', 'access_compat'] },
      ),
  },
  {
    id: 'A3a',
    server: 'apache',
    essence: '`Options -Indexes`, dir without index.html',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A3')}\n<Directory "${ctx.sandbox.htdocs}/A3">\n    Options -Indexes\n</Directory>`,
        async (s) => {
          await ctx.check(s, { path: '/emptydir/' }, { status: 403 });
          await ctx.check(s, { path: '/emptydir' }, { status: 301, headers: { Location: `http://127.0.0.1:${s.port}/emptydir/` } });
          await ctx.expectLog(s, /AH01276: Cannot serve directory .*\/emptydir\/: No matching DirectoryIndex/);
        },
        { modules: ['authz_core', 'dir', 'autoindex'] },
      ),
  },
  {
    id: 'A3b',
    server: 'apache',
    essence: '`Options +Indexes`',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A3')}\n<Directory "${ctx.sandbox.htdocs}/A3">\n    Options +Indexes\n</Directory>`,
        (s) => ctx.check(s, { path: '/emptydir/' }, { status: 200, body: /Index of \/emptydir/ }),
        { modules: ['authz_core', 'dir', 'autoindex'] },
      ),
  },
  {
    id: 'A4a',
    server: 'apache',
    essence: '`ErrorDocument 403 http://127.0.0.1:<port>/denied.html`',
    run: (ctx) =>
      ctx.apache(
        (port) => `${docroot(ctx, 'A4')}\n<Directory "${ctx.sandbox.htdocs}/A4/secret">\n    Require all denied\n</Directory>\nErrorDocument 403 http://127.0.0.1:${port}/denied.html`,
        (s) => ctx.check(s, { path: '/secret/file.txt' }, { status: 302, headers: { Location: `http://127.0.0.1:${s.port}/denied.html` } }),
        { modules: ['authz_core'] },
      ),
  },
  {
    id: 'A4b',
    server: 'apache',
    essence: '`ErrorDocument 403 /denied.html`',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A4')}\n<Directory "${ctx.sandbox.htdocs}/A4/secret">\n    Require all denied\n</Directory>\nErrorDocument 403 /denied.html`,
        (s) => ctx.check(s, { path: '/secret/file.txt' }, { status: 403, body: /^custom denied page/ }),
        { modules: ['authz_core'] },
      ),
  },
  {
    id: 'A4c',
    server: 'apache',
    essence: '`Require valid-user` + `ErrorDocument 401 http://...`',
    run: (ctx) =>
      ctx.apache(
        (port) =>
          `${docroot(ctx, 'A4')}\n<Directory "${ctx.sandbox.htdocs}/A4/secret">\n    AuthType Basic\n    AuthName "x"\n    AuthUserFile ${ctx.sandbox.htpasswd}\n    Require valid-user\n</Directory>\nErrorDocument 401 http://127.0.0.1:${port}/denied.html`,
        (s) => ctx.check(s, { path: '/secret/file.txt' }, { status: 401, headers: CHALLENGE }),
        { modules: AUTH_MODULES, testOutput: /AH00113: .*cannot use a full URL in a 401 ErrorDocument directive --- ignoring!/ },
      ),
  },
  {
    id: 'A5a',
    server: 'apache',
    essence: 'server ctx `RewriteRule ^secret - [F]`',
    run: (ctx) =>
      ctx.apache(`${docroot(ctx, 'A5')}\nRewriteEngine On\nRewriteRule ^secret - [F]`, (s) => ctx.check(s, { path: '/secret/x.txt' }, { status: 200 }), {
        modules: ['authz_core', 'rewrite'],
      }),
  },
  {
    id: 'A5b',
    server: 'apache',
    essence: 'server ctx `^/secret - [F]`, `^/gone - [G]`, `^/r403 - [R=403]`',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A5')}\nRewriteEngine On\nRewriteRule ^/secret - [F]\nRewriteRule ^/gone   - [G]\nRewriteRule ^/r403   - [R=403]`,
        async (s) => {
          await ctx.check(s, { path: '/secret/x.txt' }, { status: 403 });
          await ctx.check(s, { path: '/gone/x.txt' }, { status: 410 });
          await ctx.check(s, { path: '/r403/x.txt' }, { status: 403 });
        },
        { modules: ['authz_core', 'rewrite'] },
      ),
  },
  {
    id: 'A5c',
    server: 'apache',
    essence: '`<Directory>` ctx `RewriteRule ^secret - [F]`',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A5')}\n<Directory "${ctx.sandbox.htdocs}/A5">\n    RewriteEngine On\n    RewriteRule ^secret - [F]\n</Directory>`,
        (s) => ctx.check(s, { path: '/secret/x.txt' }, { status: 403 }),
        { modules: ['authz_core', 'rewrite'] },
      ),
  },
  {
    id: 'A6',
    server: 'apache',
    essence: 'file mode 600 root:root, `User www-data`',
    run: (ctx) =>
      ctx.apache(
        docroot(ctx, 'A6'),
        async (s) => {
          await ctx.check(s, { path: '/private600.txt' }, { status: 403 });
          await ctx.expectLog(s, /AH00132: file permissions deny server access: .*\/private600\.txt/);
        },
        { modules: ['authz_core'] },
      ),
  },
  ...(['a', 'b'] as const).map(
    (v): ConformanceCase => ({
      id: `A7${v}`,
      server: 'apache',
      essence: v === 'a' ? '`Require ip 10.0.0.0/8` from 127.0.0.1' : '`AuthType Basic` + `Require valid-user`',
      run: (ctx) =>
        ctx.apache(
          [
            docroot(ctx, 'A7'),
            `<Directory "${ctx.sandbox.htdocs}/A7/ipdir">`,
            '    Require ip 10.0.0.0/8',
            '</Directory>',
            `<Directory "${ctx.sandbox.htdocs}/A7/authdir">`,
            '    AuthType Basic',
            '    AuthName "x"',
            '    AuthBasicProvider file',
            `    AuthUserFile ${ctx.sandbox.htpasswd}`,
            '    Require valid-user',
            '</Directory>',
          ].join('\n'),
          async (s) => {
            if (v === 'a') {
              await ctx.check(s, { path: '/ipdir/x.txt' }, { status: 403 });
              await ctx.expectLog(s, /AH01630: client denied by server configuration/);
            } else {
              await ctx.check(s, { path: '/authdir/x.txt' }, { status: 401, headers: CHALLENGE });
              await ctx.check(s, { path: '/authdir/x.txt', auth: `${HTPASSWD_USER}:wrong` }, { status: 401, headers: CHALLENGE });
              await ctx.check(s, { path: '/authdir/x.txt', auth: GOOD }, { status: 200 });
            }
          },
          { modules: ['authz_core', 'authz_host', 'auth_basic', 'authn_core', 'authn_file', 'authz_user'] },
        ),
    }),
  ),
  {
    id: 'A8a',
    server: 'apache',
    essence: '`<Files ".ht*"> Require all denied </Files>`',
    run: (ctx) =>
      ctx.apache(
        `${docroot(ctx, 'A8')}\n<Files ".ht*">\n    Require all denied\n</Files>`,
        async (s) => {
          await ctx.check(s, { path: '/.htaccess' }, { status: 403 });
          await ctx.check(s, { path: '/.htpasswd' }, { status: 403 });
        },
        { modules: ['authz_core'] },
      ),
  },
  {
    id: 'A8b',
    server: 'apache',
    essence: 'no `<Files ".ht*">` block (minimal config)',
    run: (ctx) =>
      ctx.apache(docroot(ctx, 'A8'), (s) => ctx.check(s, { path: '/.htaccess' }, { status: 200, body: /LEAKED \.htaccess contents/ }), { modules: ['authz_core'] }),
  },
  {
    id: 'A9a',
    server: 'apache',
    essence: '.htaccess `RewriteRule ^/private/ - [F]`',
    run: (ctx) =>
      ctx.apache(
        htaccessCase(ctx, 'rw', 'RewriteEngine On\nRewriteRule ^/private/ - [F]\n', ['private/x.txt']),
        (s) => ctx.check(s, { path: '/rw/private/x.txt' }, { status: 200 }),
        { modules: ['authz_core', 'rewrite'] },
      ),
  },
  {
    id: 'A9b',
    server: 'apache',
    essence: '.htaccess `RewriteRule ^backup/ - [F]`',
    run: (ctx) =>
      ctx.apache(
        htaccessCase(ctx, 'rw', 'RewriteEngine On\nRewriteRule ^backup/ - [F]\n', ['backup/x.txt']),
        (s) => ctx.check(s, { path: '/rw/backup/x.txt' }, { status: 403 }),
        { modules: ['authz_core', 'rewrite'] },
      ),
  },
  {
    id: 'A10',
    server: 'apache',
    essence: '.htaccess `AuthType Basic` + `AuthName` + `AuthUserFile`, no `Require`',
    run: (ctx) =>
      ctx.apache(
        htaccessCase(ctx, 'noreq', `AuthType Basic\nAuthName "x"\nAuthUserFile ${ctx.sandbox.htpasswd}\n`),
        (s) => ctx.check(s, { path: '/noreq/x.txt' }, { status: 200, headers: { 'WWW-Authenticate': null } }),
        { modules: AUTH_MODULES },
      ),
  },
  {
    id: 'A11a',
    server: 'apache',
    essence: '.htaccess `Options -Indexes   # no listing`',
    run: (ctx) =>
      ctx.apache(
        htaccessCase(ctx, 'opts', 'Options -Indexes   # no listing\n'),
        async (s) => {
          await ctx.check(s, { path: '/opts/x.txt' }, { status: 500 });
          await ctx.expectLog(s, /Either all Options must start with \+ or -, or no Option may\./);
        },
        { modules: ['authz_core', 'dir', 'autoindex'] },
      ),
  },
  {
    id: 'A11b',
    server: 'apache',
    essence: '.htaccess `Require ip 127.0.0.1   # office`',
    run: (ctx) =>
      ctx.apache(
        htaccessCase(ctx, 'office', 'Require ip 127.0.0.1   # office\n'),
        async (s) => {
          await ctx.check(s, { path: '/office/x.txt' }, { status: 500 });
          await ctx.expectLog(s, /ip address '#' appears to be invalid/);
        },
        { modules: ['authz_core', 'authz_host'] },
      ),
  },
  {
    id: 'A11c',
    server: 'apache',
    essence: '.htaccess `Require valid-user   # staff only`',
    run: (ctx) =>
      ctx.apache(
        htaccessCase(ctx, 'staff', `AuthType Basic\nAuthName "x"\nAuthUserFile ${ctx.sandbox.htpasswd}\nRequire valid-user   # staff only\n`),
        async (s) => {
          await ctx.check(s, { path: '/staff/x.txt' }, { status: 401, headers: CHALLENGE });
          await ctx.check(s, { path: '/staff/x.txt', auth: GOOD }, { status: 200 });
        },
        { modules: AUTH_MODULES },
      ),
  },
  {
    id: 'A11d',
    server: 'apache',
    essence: '.htaccess `DirectoryIndex index.html   # main page`',
    run: (ctx) =>
      ctx.apache(htaccessCase(ctx, 'main', 'DirectoryIndex index.html   # main page\n'), (s) => ctx.check(s, { path: '/main/' }, { status: 200, body: /^index of main/ }), {
        modules: ['authz_core', 'dir'],
      }),
  },
];

