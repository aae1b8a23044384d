/**
 * Parsed other files (includes, includers, governing configs), reused while their text is
 * unchanged. Most recently used kept; bounded by text size as well as count, since a parsed tree
 * takes many times the memory of its text. Cleared when a document closes (the server then parses
 * again what it needs).
 */
export interface ParseCache<T> {
  /** The parse of `text`, from the cache when `key` last held the same text. */
  get(key: string, text: string): T;
  clear(): void;
}

export function createParseCache<T>(parse: (text: string) => T, maxChars = 4_000_000, maxEntries = 512): ParseCache<T> {
  const entries = new Map<string, { text: string; value: T }>();
  let chars = 0;
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    chars -= entry.text.length;
  };
  return {
    get(key, text) {
      const hit = entries.get(key);
      if (hit && hit.text === text) {
        // Most recently used last.
        entries.delete(key);
        entries.set(key, hit);
        return hit.value;
      }
      drop(key);
      const value = parse(text);
      if (text.length > maxChars) return value;
      while (entries.size && (chars + text.length > maxChars || entries.size >= maxEntries)) drop(entries.keys().next().value!);
      entries.set(key, { text, value });
      chars += text.length;
      return value;
    },
    clear() {
      entries.clear();
      chars = 0;
    },
  };
}
