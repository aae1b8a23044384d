import type { Family } from '../types';
import { apacheDirective } from '../analysis/apacheDirectives';

/** Any directive of Apache's reference (719 of them), plus mod_php's settings. */
function isApacheDirectiveName(word: string): boolean {
  return !!word && (/^php_(value|flag|admin_value|admin_flag)$/i.test(word) || apacheDirective(word) !== undefined);
}

/** Language ids that editors send for nginx, Apache and route-file languages. */
const NGINX_IDS = new Set(['nginx', 'NGINX']);
const APACHE_IDS = new Set(['apacheconf', 'apache', 'htaccess']);
export const ROUTE_LANGUAGE_IDS = new Set(['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python', 'php', 'ruby', 'go']);

/**
 * Which family a document belongs to, by its language id and, for generic ids
 * (plaintext, conf), by its path. A plain `.conf` elsewhere is left alone.
 */
export function detectFamily(uri: string, languageId: string): Family | undefined {
  if (NGINX_IDS.has(languageId)) return 'nginx';
  if (APACHE_IDS.has(languageId)) return 'apache';
  if (ROUTE_LANGUAGE_IDS.has(languageId)) return 'routes';
  return familyFromPath(decodeURIComponent(uri));
}

export function familyFromPath(path: string): Family | undefined {
  const p = path.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (base === '.htaccess' || /^(httpd|apache2?)\.conf$/.test(base) || /\/apache2?\/.*\.conf$/.test(p) || /\/httpd\/.*\.conf$/.test(p)) return 'apache';
  // Debian's Apache keeps extension-less site files too: /etc/apache2/sites-enabled/example.
  if (/\/(apache2?|httpd)\/(sites|conf)-(available|enabled)\/[^/]+$/.test(p)) return 'apache';
  if (base === 'nginx.conf' || /\.nginx$/.test(base) || /\.conf\.template$/.test(base) || /\/nginx\/.*\.conf$/.test(p) || /\/(sites-available|sites-enabled)\/[^/]+$/.test(p) || /\/conf\.d\/[^/]+\.conf$/.test(p)) return 'nginx';
  if (/\.(m?[jt]sx?|cjs|cts|mts|py|php|rb|go)$/.test(base)) return 'routes';
  return undefined;
}

/**
 * Guesses nginx or Apache from a file's content, for files whose name says nothing
 * (`default`, `site.conf`, `htaccess.txt`). Used by the CLI on explicit folders, never by the
 * editor, where the language mode decides. Undefined when neither is clearly there.
 */
export function sniffFamily(text: string): 'nginx' | 'apache' | undefined {
  let apache = 0;
  let nginx = 0;
  const lines = text.slice(0, 32_768).split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (/^<\/?(VirtualHost|Directory|DirectoryMatch|IfModule|IfDefine|Files|FilesMatch|Location|LocationMatch|Limit|LimitExcept|RequireAll|RequireAny|RequireNone|If|ElseIf|Else)\b/i.test(line)) apache += 3;
    else if (!/;\s*$/.test(line) && isApacheDirectiveName(/^[A-Za-z_][\w]*/.exec(line)?.[0] ?? '')) apache += 1;
    else if (/^(server|location|http|events|upstream|map|geo|types|if|limit_except|stream)\b[^;{]*\{\s*(#.*)?$/.test(line)) nginx += 3;
    else if (/^[a-z_][a-z0-9_]*\s[^;]*;\s*(#.*)?$/.test(line) || /^[a-z_][a-z0-9_]*;\s*$/.test(line)) nginx += 1;
  }
  if (apache === 0 && nginx === 0) return undefined;
  if (apache >= 2 && apache > nginx) return 'apache';
  if (nginx >= 2 && nginx > apache) return 'nginx';
  return undefined;
}
