/**
 * Apache's directive reference as data: name, module, syntax, default, contexts and override
 * class of every directive of httpd 2.4, extracted from Apache's own docs/manual/mod/*.xml by
 * scripts/gen-apache-directives.ts. Names, syntaxes and contexts are facts; wording is ours.
 */
import table from '../data/apache-directives.json';
import type { DirectiveFacts } from '../types';

/** Where a directive may appear: s=server config, v=virtual host, d=directory, h=.htaccess, p=proxy section. */
export type ContextLetter = 's' | 'v' | 'd' | 'h' | 'p';
/** AllowOverride classes a .htaccess directive can need. `All` means "any class, whenever .htaccess is read". */
export type OverrideClass = 'AuthConfig' | 'FileInfo' | 'Indexes' | 'Limit' | 'Options' | 'All';

export interface ApacheDirectiveInfo {
  /** As Apache documents it; sections are written `<Directory>`. */
  name: string;
  module: string;
  syntax: string;
  default: string;
  contexts: ReadonlySet<ContextLetter>;
  /** Empty when the directive has no override class (or Apache's docs give none). */
  override: OverrideClass[];
  /**
   * Places a real `apache2 -t` accepted / refused it (s top level, v <VirtualHost>, d <Directory>,
   * l <Location>, f <Files>); places not listed were not decided by the measurement.
   */
  accepted: ReadonlySet<Place>;
  refused: ReadonlySet<Place>;
}

/** Where a directive sits, finer than the documented contexts. */
export type Place = 's' | 'v' | 'd' | 'l' | 'f';

export const CONTEXT_NAMES: Record<ContextLetter, string> = {
  s: 'server config',
  v: 'virtual host',
  d: 'directory',
  h: '.htaccess',
  p: 'proxy section',
};

type Row = [name: string, module: string, syntax: string, defaultValue: string, contexts: string, override: string, accepted: string, refused: string];

const byName = new Map<string, ApacheDirectiveInfo>();
for (const [name, module, syntax, defaultValue, contexts, override, accepted, refused] of table.directives as Row[]) {
  byName.set(name.toLowerCase(), {
    name,
    module,
    syntax,
    default: defaultValue,
    contexts: new Set(contexts.split('') as ContextLetter[]),
    override: override ? (override.split(',') as OverrideClass[]) : [],
    accepted: new Set(accepted.split('') as Place[]),
    refused: new Set(refused.split('') as Place[]),
  });
}

/** Facts for a directive name (case-insensitive); sections by their bare name (`Directory`) or `<Directory>`. */
export function apacheDirective(name: string, section = false): ApacheDirectiveInfo | undefined {
  const bare = name.replace(/^<\/?|>$/g, '').toLowerCase();
  if (section || name.startsWith('<')) return byName.get(`<${bare}>`);
  return byName.get(bare) ?? byName.get(`<${bare}>`);
}

export function apacheDirectiveCount(): number {
  return byName.size;
}

/** The facts in the shape hovers render. */
export function apacheDirectiveFacts(name: string): DirectiveFacts | undefined {
  const d = apacheDirective(name);
  if (!d) return undefined;
  return {
    name: d.name,
    module: d.module,
    syntax: d.syntax,
    default: d.default || undefined,
    contexts: [...d.contexts].map((c) => CONTEXT_NAMES[c]),
    override: d.override.length ? d.override.join(', ') : undefined,
    source: 'Apache httpd 2.4 reference (docs/manual/mod)',
  };
}
