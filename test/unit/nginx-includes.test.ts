/**
 * nginx configurations spread over files: include resolution, includer discovery, inherited
 * scope across files, a file judged in each place it is included, snippets with no known
 * includer (quiet where the missing parent could change the answer), cycles and fan-out caps.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyseNginxDocument } from '../../server/src/analysis/nginxConfig';
import { KnowledgeBase } from '../../server/src/kb/knowledgeBase';
import { createLanguageService } from '../../server/src/service';
import { memoryWorkspace, type WorkspaceFiles } from '../../server/src/workspace';

const kb = new KnowledgeBase([]);
let version = 1;

function open(files: Record<string, string>, file: string, roots: string[] = ['/etc/nginx']) {
  const workspace = memoryWorkspace(files, roots);
  const ls = createLanguageService({ kb, files: workspace });
  const doc = TextDocument.create(`file://${file}`, 'nginx', version++, files[file]!);
  return { ls, doc, workspace };
}

async function ruleLines(files: Record<string, string>, file: string, ruleId: string, roots?: string[]): Promise<number[]> {
  const { ls, doc } = open(files, file, roots);
  return (await ls.findings(doc)).filter((f) => f.ruleId === ruleId).map((f) => doc.positionAt(f.start).line + 1);
}

async function messages(files: Record<string, string>, file: string, ruleId: string): Promise<string[]> {
  const { ls, doc } = open(files, file);
  return (await ls.findings(doc)).filter((f) => f.ruleId === ruleId).map((f) => f.message);
}

const MAIN_WITH_STATUS = `events {}
http {
    limit_req_zone $binary_remote_addr zone=api:10m rate=1r/s;
    limit_req_status 429;
    include conf.d/*.conf;
}
`;
const MAIN_WITHOUT_STATUS = MAIN_WITH_STATUS.replace('    limit_req_status 429;\n', '');
const SITE = `server {
    listen 80;
    location /api/ {
        limit_req zone=api;
    }
}
`;

describe('nginx includes: inherited scope from the includer', () => {
  it('limit_req_status at http level in nginx.conf silences a conf.d site', async () => {
    assert.deepEqual(await ruleLines({ '/etc/nginx/nginx.conf': MAIN_WITH_STATUS, '/etc/nginx/conf.d/site.conf': SITE }, '/etc/nginx/conf.d/site.conf', 'nginx/limit-status-503'), []);
  });

  it('without it, the site fires and names where it is included from', async () => {
    const files = { '/etc/nginx/nginx.conf': MAIN_WITHOUT_STATUS, '/etc/nginx/conf.d/site.conf': SITE };
    assert.deepEqual(await ruleLines(files, '/etc/nginx/conf.d/site.conf', 'nginx/limit-status-503'), [4]);
    const [message] = await messages(files, '/etc/nginx/conf.d/site.conf', 'nginx/limit-status-503');
    assert.match(message!, /as included from nginx\.conf:4/);
  });

  it('a site whose includer is unknown stays quiet (an outer block might set the status)', async () => {
    assert.deepEqual(await ruleLines({ '/srv/site.conf': SITE }, '/srv/site.conf', 'nginx/limit-status-503', ['/srv']), []);
  });

  it('a complete config is judged on its own', async () => {
    const complete = `events {}\nhttp {\n    limit_req_zone $binary_remote_addr zone=api:10m rate=1r/s;\n${SITE}}\n`;
    assert.deepEqual(await ruleLines({ '/srv/nginx.conf': complete }, '/srv/nginx.conf', 'nginx/limit-status-503', ['/srv']), [7]);
  });

  it('the status set in a snippet included into the same server counts', async () => {
    const files = {
      '/etc/nginx/nginx.conf': MAIN_WITHOUT_STATUS,
      '/etc/nginx/conf.d/site.conf': SITE.replace('    listen 80;\n', '    listen 80;\n    include snippets/ratelimit.conf;\n'),
      '/etc/nginx/snippets/ratelimit.conf': 'limit_req_status 429;\n',
    };
    assert.deepEqual(await ruleLines(files, '/etc/nginx/conf.d/site.conf', 'nginx/limit-status-503'), []);
  });

  it('sites-available files are judged as if enabled through sites-enabled/*', async () => {
    const files = {
      '/etc/nginx/nginx.conf': MAIN_WITH_STATUS.replace('conf.d/*.conf', 'sites-enabled/*'),
      '/etc/nginx/sites-available/example': SITE,
    };
    assert.deepEqual(await ruleLines(files, '/etc/nginx/sites-available/example', 'nginx/limit-status-503'), []);
    const without = { ...files, '/etc/nginx/nginx.conf': MAIN_WITHOUT_STATUS.replace('conf.d/*.conf', 'sites-enabled/*') };
    assert.deepEqual(await ruleLines(without, '/etc/nginx/sites-available/example', 'nginx/limit-status-503'), [4]);
  });

  it('relative includes resolve against the nginx root (as nginx does), then the including file', () => {
    const files = {
      '/etc/nginx/nginx.conf': 'http { include conf.d/*.conf; }\n',
      '/etc/nginx/conf.d/a.conf': 'server { include snippets/h.conf; include local.inc; }\n',
      '/etc/nginx/snippets/h.conf': 'add_header X-Frame-Options DENY always;\n',
      '/etc/nginx/conf.d/local.inc': 'add_header X-Local yes always;\n',
    };
    const parsed = analyseNginxDocument(files['/etc/nginx/conf.d/a.conf'], '/etc/nginx/conf.d/a.conf', 'a', memoryWorkspace(files, ['/etc/nginx']));
    const server = parsed.levelOf(parsed.tree.directives[0], parsed.placements[0]!);
    assert.deepEqual(server.named('add_header').map((e) => e.directive.args[0]!.value), ['X-Frame-Options', 'X-Local']);
    assert.equal(parsed.placements[0]!.known, true);
    assert.equal(parsed.placements[0]!.top.context, 'http');
  });
});

describe('nginx includes: a file reached from several parents is judged in each', () => {
  const snippet = `location /downloads/ {
    add_header Cache-Control "public";
}
`;
  const main = `events {}
http {
    server {
        listen 80;
        add_header X-Frame-Options DENY always;
        include snippets/downloads.conf;
    }
    server {
        listen 81;
        include snippets/downloads.conf;
    }
}
`;
  it('fires for the server whose header is dropped, and says which include', async () => {
    const files = { '/etc/nginx/nginx.conf': main, '/etc/nginx/snippets/downloads.conf': snippet };
    assert.deepEqual(await ruleLines(files, '/etc/nginx/snippets/downloads.conf', 'nginx/add-header-drops-inherited'), [2]);
    const [message] = await messages(files, '/etc/nginx/snippets/downloads.conf', 'nginx/add-header-drops-inherited');
    assert.match(message!, /X-Frame-Options/);
    assert.match(message!, /nginx\.conf:6/);
    assert.doesNotMatch(message!, /nginx\.conf:10/);
  });

  it('stays quiet when no includer drops anything', async () => {
    const files = { '/etc/nginx/nginx.conf': main.replace('        add_header X-Frame-Options DENY always;\n', ''), '/etc/nginx/snippets/downloads.conf': snippet };
    assert.deepEqual(await ruleLines(files, '/etc/nginx/snippets/downloads.conf', 'nginx/add-header-drops-inherited'), []);
  });

  it('the quick fix repeats the includer\'s header in the snippet', async () => {
    const files = { '/etc/nginx/nginx.conf': main, '/etc/nginx/snippets/downloads.conf': snippet };
    const { ls, doc } = open(files, '/etc/nginx/snippets/downloads.conf');
    const [finding] = (await ls.findings(doc)).filter((f) => f.ruleId === 'nginx/add-header-drops-inherited');
    assert.deepEqual(finding!.fixes[0]!.edits, [{ start: snippet.indexOf('    add_header'), end: snippet.indexOf('    add_header'), newText: '    add_header X-Frame-Options DENY always;\n' }]);
  });
});

describe('nginx includes: snippets of locations', () => {
  const denyDots = `location ~ /\\. {
    deny all;
}
`;
  it('a snippet with no known server stays quiet for hidden-files-block-well-known', async () => {
    assert.deepEqual(await ruleLines({ '/srv/snippets/deny.conf': denyDots }, '/srv/snippets/deny.conf', 'nginx/hidden-files-block-well-known', ['/srv']), []);
  });

  it('fires when included in a server without a carve-out, quiet with one', async () => {
    const main = (carve: string) => `events {}\nhttp {\n    server {\n        listen 80;\n${carve}        include snippets/deny.conf;\n    }\n}\n`;
    const files = { '/etc/nginx/nginx.conf': main(''), '/etc/nginx/snippets/deny.conf': denyDots };
    assert.deepEqual(await ruleLines(files, '/etc/nginx/snippets/deny.conf', 'nginx/hidden-files-block-well-known'), [1]);
    const carved = { ...files, '/etc/nginx/nginx.conf': main('        location ^~ /.well-known/ { }\n') };
    assert.deepEqual(await ruleLines(carved, '/etc/nginx/snippets/deny.conf', 'nginx/hidden-files-block-well-known'), []);
  });

  it('infers the context from content when no includer is found', () => {
    const ws = memoryWorkspace({});
    const ctx = (text: string, file = '/x/snippet.conf') => analyseNginxDocument(text, file, file, ws).placements[0]!.top.context;
    assert.equal(ctx(denyDots), 'server');
    assert.equal(ctx('server { listen 80; }\n'), 'http');
    assert.equal(ctx('events {}\nhttp {}\n'), 'main');
    assert.equal(ctx('proxy_set_header Host $host;\n', '/etc/nginx/conf.d/proxy.conf'), 'http');
    assert.equal(ctx('proxy_set_header Host $host;\n'), 'unknown');
  });
});

describe('nginx includes: cycles and fan-out', () => {
  it('an include cycle terminates', async () => {
    const files = {
      '/etc/nginx/nginx.conf': 'events {}\nhttp { include a.conf; }\n',
      '/etc/nginx/a.conf': 'include b.conf;\nserver { listen 80; location / { limit_req zone=z; } }\n',
      '/etc/nginx/b.conf': 'include a.conf;\nlimit_req_zone $binary_remote_addr zone=z:1m rate=1r/s;\n',
    };
    const lines = await ruleLines(files, '/etc/nginx/a.conf', 'nginx/limit-status-503');
    assert.deepEqual(lines, [2]);
  });

  it('a huge glob fan-out is capped and stays fast', async () => {
    const files: Record<string, string> = { '/etc/nginx/nginx.conf': 'events {}\nhttp { include conf.d/*.conf; include conf.d/*.conf; include conf.d/*.conf; }\n' };
    for (let i = 0; i < 2000; i++) files[`/etc/nginx/conf.d/s${String(i).padStart(4, '0')}.conf`] = `server { listen ${10000 + i}; include /etc/nginx/conf.d/*.conf; }\n`;
    const started = Date.now();
    const parsed = analyseNginxDocument(files['/etc/nginx/nginx.conf']!, '/etc/nginx/nginx.conf', 'n', memoryWorkspace(files, ['/etc/nginx']));
    const http = parsed.levelOf(parsed.tree.directives[1], parsed.placements[0]!);
    assert.ok(http.named('server').length > 0);
    parsed.graph.visitAll(parsed.placements[0]!.top, () => false);
    assert.equal(parsed.graph.truncated, true);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});

describe('nginx includes: resolution follows nginx', () => {
  it("relative includes in an included file resolve against nginx.conf's directory, not the file's (crossplane includes-globbed)", () => {
    const files = {
      '/c/nginx.conf': 'events {}\ninclude http.conf;\n',
      '/c/http.conf': 'http {\n    include servers/*.conf;\n}\n',
      '/c/servers/server1.conf': 'server {\n    listen 8080;\n    include locations/*.conf;\n}\n',
      '/c/locations/location1.conf': 'location /foo { return 200 foo; }\n',
      '/c/servers/locations/not-included.conf': 'asdfasdf\n',
    };
    const ws = memoryWorkspace(files, ['/c']);
    const server = analyseNginxDocument(files['/c/servers/server1.conf'], '/c/servers/server1.conf', 's', ws);
    assert.equal(server.placements[0]!.label, 'http.conf:2');
    const level = server.levelOf(server.tree.directives[0], server.placements[0]!);
    assert.deepEqual(level.named('location').map((e) => e.file.path), ['/c/locations/location1.conf']);
    const orphan = analyseNginxDocument(files['/c/servers/locations/not-included.conf'], '/c/servers/locations/not-included.conf', 'n', ws);
    assert.equal(orphan.placements[0]!.known, false);
  });
});

describe('nginx includes: glob semantics', () => {
  it('a glob does not match dot-files, as glob(3) in nginx does not (h5bp conf.d/.default.conf)', () => {
    const files = {
      '/etc/nginx/nginx.conf': 'events {}\nhttp { include conf.d/*.conf; include conf.d/.*.conf; }\n',
      '/etc/nginx/conf.d/.default.conf': 'server { listen 81; }\n',
      '/etc/nginx/conf.d/site.conf': 'server { listen 80; }\n',
    };
    const ws = memoryWorkspace(files, ['/etc/nginx']);
    const parsed = analyseNginxDocument(files['/etc/nginx/nginx.conf'], '/etc/nginx/nginx.conf', 'n', ws);
    const http = parsed.levelOf(parsed.tree.directives[1], parsed.placements[0]!);
    assert.deepEqual(http.named('server').map((e) => e.file.path), ['/etc/nginx/conf.d/site.conf', '/etc/nginx/conf.d/.default.conf']);
  });
});

describe('nginx includes: big included files', () => {
  it('an included block list of 150,000 deny lines is expanded without trouble', async () => {
    const files = {
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            include blocklist.conf;\n            return 401;\n        }\n    }\n}\n',
      '/etc/nginx/blocklist.conf': Array.from({ length: 150_000 }, (_, i) => `deny 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255};`).join('\n') + '\n',
    };
    const started = Date.now();
    assert.deepEqual(await ruleLines(files, '/etc/nginx/nginx.conf', 'nginx/401-without-challenge'), [7]);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('the workspace folder is the last resort for a relative include', () => {
    const files = { '/ws/app/site.conf': 'server { include snippets/h.conf; }\n', '/ws/snippets/h.conf': 'add_header X-A 1 always;\n' };
    const parsed = analyseNginxDocument(files['/ws/app/site.conf'], '/ws/app/site.conf', 's', memoryWorkspace(files, ['/ws']));
    assert.deepEqual(parsed.levelOf(parsed.tree.directives[0], parsed.placements[0]!).named('add_header').map((e) => e.file.path), ['/ws/snippets/h.conf']);
  });
});

describe('nginx includes: document links', () => {
  it('links include lines to the files they include', async () => {
    const files: Record<string, string> = {
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include mime.types;\n    include "conf.d/*.conf";\n    include missing.conf;\n}\n',
      '/etc/nginx/mime.types': 'types { text/html html; }\n',
      '/etc/nginx/conf.d/a.conf': 'server { listen 80; }\n',
      '/etc/nginx/conf.d/b.conf': 'server { listen 81; }\n',
    };
    const { ls, doc } = open(files, '/etc/nginx/nginx.conf');
    const links = await ls.findDocumentLinks(doc);
    assert.deepEqual(
      links.map((l) => [doc.getText(l.range), l.target, l.tooltip]),
      [
        ['mime.types', 'file:///etc/nginx/mime.types', undefined],
        ['conf.d/*.conf', 'file:///etc/nginx/conf.d/a.conf', 'Includes 2 files: a.conf, b.conf'],
      ],
    );
  });
});

/** A workspace that counts reads, to show that includers are found by scanning nginx.conf candidates only. */
function countingWorkspace(files: Record<string, string>, roots: string[]): WorkspaceFiles & { reads: string[] } {
  const inner = memoryWorkspace(files, roots);
  const reads: string[] = [];
  return { ...inner, reads, read: (f) => (reads.push(f), inner.read(f)) };
}

describe('nginx includes: includer discovery', () => {
  it('finds nginx.conf walking up from the file and in the workspace roots', () => {
    const files = {
      '/ws/deploy/nginx/nginx.conf': 'events {}\nhttp { include sites/*.conf; }\n',
      '/ws/deploy/nginx/sites/app.conf': SITE,
    };
    const ws = countingWorkspace(files, ['/ws']);
    const parsed = analyseNginxDocument(SITE, '/ws/deploy/nginx/sites/app.conf', 'k', ws);
    assert.equal(parsed.placements[0]!.known, true);
    assert.equal(parsed.placements[0]!.label, 'nginx.conf:2');
    assert.ok(!ws.reads.some((r) => r.endsWith('app.conf')), 'the document itself comes from the editor, not the workspace');
  });
});
