/**
 * The extension manifest (package.json `contributes`, `activationEvents`) against the code and
 * files it names: languages and which files they claim, grammars, commands, walkthrough.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Commands, LINKABLE_COMMANDS } from '../../client/src/commandIds';
import { ROUTE_LANGUAGE_IDS, familyFromPath } from '../../server/src/languages/detect';
import { ROOT } from '../support/service';

interface Language {
  id: string;
  filenames?: string[];
  extensions?: string[];
  filenamePatterns?: string[];
  configuration?: string;
}
interface Grammar {
  language: string;
  scopeName: string;
  path: string;
}
interface Manifest {
  activationEvents: string[];
  contributes: {
    languages: Language[];
    grammars: Grammar[];
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default?: unknown; description?: string; markdownDescription?: string }> };
    walkthroughs: { id: string; title: string; steps: { id: string; media: { markdown?: string; image?: string } }[] }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const { contributes } = manifest;

// VS Code's glob subset used by filenamePatterns: a double star and slash (any folders), `*` (within a name).
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob.startsWith('**/', i)) {
      source += '(?:[^/]*/)*';
      i += 2;
    } else if (glob[i] === '*') {
      source += '[^/]*';
    } else {
      source += glob[i]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  // VS Code matches lower-cased paths against lower-cased patterns.
  return new RegExp(`^${source}$`, 'i');
}

/**
 * The language VS Code gives a file, by its rules: an exact file name wins, then the longest
 * matching filenamePattern (on the path when the pattern has a slash), then the longest extension.
 */
function languageOf(filePath: string): string | undefined {
  const name = path.posix.basename(filePath).toLowerCase();
  let byPattern: { id: string; length: number } | undefined;
  let byExtension: { id: string; length: number } | undefined;
  for (const lang of contributes.languages) {
    if (lang.filenames?.some((f) => f.toLowerCase() === name)) return lang.id;
    for (const pattern of lang.filenamePatterns ?? []) {
      const target = pattern.includes('/') ? filePath : name;
      if (globToRegExp(pattern).test(target) && (!byPattern || pattern.length > byPattern.length)) byPattern = { id: lang.id, length: pattern.length };
    }
    for (const ext of lang.extensions ?? []) {
      if (name.endsWith(ext.toLowerCase()) && (!byExtension || ext.length > byExtension.length)) byExtension = { id: lang.id, length: ext.length };
    }
  }
  return byPattern?.id ?? byExtension?.id;
}

const FAMILY_OF_LANGUAGE: Record<string, string> = { nginx: 'nginx', apacheconf: 'apache' };

describe('manifest: languages', () => {
  /** Path, language VS Code gives it, and (when it differs) the family the server's path rules give. */
  const cases: [string, string | undefined, string?][] = [
    ['/etc/nginx/nginx.conf', 'nginx'],
    ['/srv/site/nginx.conf', 'nginx'],
    ['/etc/nginx/conf.d/default.conf', 'nginx'],
    ['/etc/nginx/snippets/ssl.conf', 'nginx'],
    ['/etc/nginx/sites-available/default', 'nginx'],
    ['/etc/nginx/sites-enabled/example.com', 'nginx'],
    ['/repo/deploy/conf.d/app.conf', 'nginx'],
    ['/repo/docker/default.conf.template', 'nginx'],
    ['/repo/site.nginx', 'nginx'],
    ['/srv/www/.htaccess', 'apacheconf'],
    ['/etc/httpd/conf/httpd.conf', 'apacheconf'],
    ['/etc/apache2/apache2.conf', 'apacheconf'],
    ['/etc/apache2/mods-available/ssl.conf', 'apacheconf'],
    // Also claimed by nginx's sites-available/conf.d patterns: the longer Apache pattern must win.
    ['/etc/apache2/sites-available/000-default.conf', 'apacheconf'],
    // Apache 2.2-era Debian names without .conf: Apache for the editor and the server alike.
    ['/etc/apache2/sites-enabled/example', 'apacheconf'],
    ['/etc/httpd/conf.d/ssl.conf', 'apacheconf'],
    // A plain .conf elsewhere is left alone.
    ['/repo/config/app.conf', undefined],
    ['/etc/supervisor/supervisord.conf', undefined],
  ];

  for (const [file, expected, serverFamily] of cases) {
    it(`${file} → ${expected ?? 'no StatusLens language'}`, () => {
      assert.equal(languageOf(file), expected);
      // The server's own path rules (for editors without language ids) agree.
      assert.equal(familyFromPath(file), serverFamily ?? (expected ? FAMILY_OF_LANGUAGE[expected] : undefined));
    });
  }

  it('never claims the bare .conf extension', () => {
    for (const lang of contributes.languages) assert.ok(!(lang.extensions ?? []).includes('.conf'), lang.id);
  });

  it('gives each language a readable language configuration with line comments', () => {
    for (const lang of contributes.languages) {
      assert.ok(lang.configuration, lang.id);
      const config = JSON.parse(fs.readFileSync(path.join(ROOT, lang.configuration), 'utf8')) as { comments: { lineComment: string } };
      assert.equal(config.comments.lineComment, '#');
    }
  });
});

describe('manifest: grammars', () => {
  it('has one grammar per contributed language', () => {
    assert.deepEqual(contributes.grammars.map((g) => g.language).sort(), contributes.languages.map((l) => l.id).sort());
  });

  for (const grammar of contributes.grammars) {
    it(`${grammar.path}: scope name, includes that resolve, regexes that compile`, () => {
      const raw = JSON.parse(fs.readFileSync(path.join(ROOT, grammar.path), 'utf8')) as { scopeName: string; repository: Record<string, unknown> };
      assert.equal(raw.scopeName, grammar.scopeName);
      const problems: string[] = [];
      const visit = (node: unknown, where: string) => {
        if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}[${i}]`));
        if (!node || typeof node !== 'object') return;
        for (const [key, value] of Object.entries(node)) {
          if (key === 'include' && typeof value === 'string' && value.startsWith('#') && !(value.slice(1) in raw.repository)) problems.push(`${where}: include ${value}`);
          if ((key === 'match' || key === 'begin' || key === 'end') && typeof value === 'string') {
            // Oniguruma's leading (?i) is JavaScript's `i` flag; everything else is written in the common subset.
            const caseless = value.startsWith('(?i)');
            try {
              new RegExp(caseless ? value.slice(4) : value, caseless ? 'iu' : 'u');
            } catch (err) {
              problems.push(`${where}.${key}: ${(err as Error).message}`);
            }
          }
          visit(value, `${where}.${key}`);
        }
      };
      visit(raw, grammar.path);
      assert.deepEqual(problems, []);
    });
  }
});

describe('manifest: commands and activation', () => {
  const contributed = new Map(contributes.commands.map((c) => [c.command, c]));
  const hidden = new Set(contributes.menus.commandPalette!.filter((m) => m.when === 'false').map((m) => m.command));

  it('keeps the existing command titles', () => {
    assert.equal(contributed.get('statuslens.explain403')?.title, 'Explain 403 Forbidden');
    assert.equal(contributed.get('statuslens.explainStatus')?.title, 'Explain HTTP status code…');
    assert.equal(contributed.get('statuslens.restartServer')?.title, 'Restart Server');
    for (const c of contributes.commands) assert.equal(c.category, 'StatusLens', c.command);
  });

  it('contributes every command the client registers, hiding those that need arguments', () => {
    assert.deepEqual([...contributed.keys()].sort(), Object.values(Commands).sort());
    for (const id of [...LINKABLE_COMMANDS, Commands.showRuleDocumentation]) {
      if (id !== Commands.compare) assert.ok(hidden.has(id), `${id} is hidden from the palette`);
    }
    for (const id of [Commands.explain403, Commands.explainStatus, Commands.explainAtCursor, Commands.compare, Commands.restartServer]) assert.ok(!hidden.has(id), id);
  });

  it('activates on its languages and the Explain view only', () => {
    const expected = ['onLanguage:nginx', 'onLanguage:apacheconf', ...[...ROUTE_LANGUAGE_IDS].map((l) => `onLanguage:${l}`), 'onWebviewPanel:statuslens.explain'];
    assert.deepEqual([...manifest.activationEvents].sort(), expected.sort());
  });
});

describe('manifest: settings and walkthrough', () => {
  it('documents every setting and gives it a default', () => {
    const properties = Object.entries(contributes.configuration.properties);
    assert.ok(properties.length >= 6);
    for (const [key, p] of properties) {
      assert.ok((p.markdownDescription ?? p.description ?? '').length > 40, `${key} has a real description`);
      assert.ok('default' in p, `${key} has a default`);
    }
  });

  it('has a "Get started" walkthrough whose media files exist', () => {
    const [walkthrough] = contributes.walkthroughs;
    assert.equal(walkthrough?.title, 'Get started with StatusLens');
    assert.ok(walkthrough.steps.length >= 3 && walkthrough.steps.length <= 4);
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && fs.existsSync(path.join(ROOT, media)), `${step.id}: ${media}`);
    }
  });
});
