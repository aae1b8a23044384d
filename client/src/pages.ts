/** The knowledge base's page list, from the server, briefly cached for code actions. */
import type { LanguageClient } from 'vscode-languageclient/node';
import { ListPagesRequest, type PageSummary } from '../../server/src/protocol';

/** Lightbulbs ask on every cursor move; team pages change rarely. */
const CACHE_MS = 10_000;

/** Page ids as the knowledge base spells them: `status/403`, `directive/nginx/deny`, `rule/nginx/x`. */
export const PAGE_ID = /^(status\/\d{3}|directive\/(nginx|apache)\/[\w<>]+|rule\/(nginx|apache|routes)\/[a-z0-9-]+)$/;

export class PageIndex {
  private cached: { at: number; pages: Promise<PageSummary[]> } | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  /** All pages; `fresh` skips the cache (pickers, where a just-added team page should show). */
  async list(fresh = false): Promise<PageSummary[]> {
    const client = this.client();
    if (!client?.isRunning()) return [];
    if (fresh || !this.cached || Date.now() - this.cached.at > CACHE_MS) {
      const pages = client.sendRequest<PageSummary[]>(ListPagesRequest);
      this.cached = { at: Date.now(), pages };
      // A failed request must not stay cached.
      pages.catch(() => (this.cached = undefined));
    }
    return this.cached.pages;
  }

  async get(id: string): Promise<PageSummary | undefined> {
    return (await this.list()).find((p) => p.id === id);
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
