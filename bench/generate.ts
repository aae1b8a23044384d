/**
 * Big configs for the benchmarks, written to a temporary folder at bench time (never committed).
 * Their shape follows the ground-truth generators (../shared/ground-truth/gen): nginx, one
 * `http` block with N servers of about 11 lines each; Apache, N <Directory> and N <Location>
 * blocks after a minimal server skeleton. Both pass `nginx -t` / `apache2 -t` as generated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Generated {
  /** The config file. */
  file: string;
  /** nginx: the prefix folder (`-p`); Apache: the ServerRoot. */
  prefix: string;
  lines: number;
  bytes: number;
}

const countLines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** `<dir>/nginx/conf/nginx.conf` (a path StatusLens recognises as nginx) with `servers` server blocks. */
export function generateNginx(dir: string, servers: number, port = 18_099): Generated {
  const prefix = path.join(dir, 'nginx');
  fs.mkdirSync(path.join(prefix, 'conf'), { recursive: true });
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const out: string[] = [
    `# StatusLens benchmark config: ${servers} servers`,
    'user www-data;',
    'worker_processes 1;',
    'pid logs/bench.pid;',
    'error_log logs/bench.error.log;',
    'events { worker_connections 64; }',
    'http {',
    '  access_log logs/bench.access.log;',
    '  default_type text/plain;',
    '  server_names_hash_max_size 16384;',
    '  server_names_hash_bucket_size 128;',
    '  limit_req_zone $binary_remote_addr zone=z:10m rate=10r/s;',
  ];
  for (let i = 1; i <= servers; i++) {
    out.push(
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    server_name s${i}.example.test www.s${i}.example.test;`,
      `    root /srv/site${i};`,
      '    add_header X-Frame-Options DENY always;',
      '    location / { try_files $uri $uri/ =404; }',
      `    location /admin${i}/ { allow 10.${i % 256}.0.0/16; deny all; }`,
      `    location = /health${i} { return 204; }`,
      `    location ~ ^/api${i}/(?<rest>.*)$ { limit_req zone=z burst=5 nodelay; limit_req_status 429; return 200 $rest; }`,
      '    location ~* /\\.(git|svn|env|ht) { deny all; }',
      '  }',
    );
  }
  out.push('}');
  const text = out.join('\n') + '\n';
  const file = path.join(prefix, 'conf', 'nginx.conf');
  fs.writeFileSync(file, text);
  return { file, prefix, lines: countLines(text), bytes: Buffer.byteLength(text) };
}

/** `<dir>/apache2/apache2.conf` with `blocks` <Directory> and `blocks` <Location> sections. */
export function generateApache(dir: string, blocks: number, port = 18_098, modules = '/usr/lib/apache2/modules'): Generated {
  const prefix = path.join(dir, 'apache2');
  for (const sub of ['run', 'logs', 'htdocs']) fs.mkdirSync(path.join(prefix, sub), { recursive: true });
  fs.writeFileSync(path.join(prefix, 'htpasswd'), 'alice:$apr1$bench$0000000000000000000000\n');
  const out: string[] = [
    `# StatusLens benchmark config: ${blocks} <Directory> + ${blocks} <Location> blocks`,
    `ServerRoot "${prefix}"`,
    `DefaultRuntimeDir "${prefix}/run"`,
    `PidFile "${prefix}/run/bench.pid"`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    'User www-data',
    'Group www-data',
    `ErrorLog "${prefix}/logs/bench.error.log"`,
  ];
  for (const m of ['mpm_prefork', 'authz_core', 'authz_host', 'authn_core', 'authn_file', 'auth_basic', 'authz_user', 'dir', 'autoindex', 'headers', 'rewrite']) {
    out.push(`LoadModule ${m}_module ${modules}/mod_${m}.so`);
  }
  out.push(`DocumentRoot "${prefix}/htdocs"`);
  for (let i = 1; i <= blocks; i++) {
    out.push(
      `<Directory "/srv/site${i}">`,
      '    Options -Indexes +FollowSymLinks',
      '    AllowOverride None',
      `    Require ip 10.${i % 256}.0.0/16 192.168.${i % 256}.0/24`,
      '    DirectoryIndex index.html',
      '</Directory>',
      `<Location "/app${i}">`,
      '    AuthType Basic',
      `    AuthName "area ${i}"`,
      `    AuthUserFile ${prefix}/htpasswd`,
      '    Require valid-user',
      '    Header always set X-Frame-Options DENY',
      '</Location>',
    );
  }
  const text = out.join('\n') + '\n';
  const file = path.join(prefix, 'apache2.conf');
  fs.writeFileSync(file, text);
  return { file, prefix, lines: countLines(text), bytes: Buffer.byteLength(text) };
}
