import type { Family } from '../types';

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
  if (base === 'nginx.conf' || /\.nginx$/.test(base) || /\.conf\.template$/.test(base) || /\/nginx\/.*\.conf$/.test(p) || /\/(sites-available|sites-enabled)\/[^/]+$/.test(p) || /\/conf\.d\/[^/]+\.conf$/.test(p)) return 'nginx';
  if (/\.(m?[jt]sx?|cjs|cts|mts|py|php|rb|go)$/.test(base)) return 'routes';
  return undefined;
}
