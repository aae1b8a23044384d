/**
 * A person's moves in the VS Code workbench (1.100, as served by code-server), with the real
 * mouse and keyboard: quick open, command palette, hovering a word, reading webviews.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

/** A rectangle in page (CSS pixel) coordinates, as playwright's `boundingBox()` and `clip` use. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class Workbench {
  private shot = 0;
  readonly screenshots: string[] = [];

  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {
    fs.mkdirSync(screenshotDir, { recursive: true });
  }

  /** Saves `NN-name.png`; a person should be able to look at these and see each step. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(this.screenshotDir, `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    this.screenshots.push(file);
    return file;
  }

  async waitReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  /** Quick Open (Ctrl+P): type the name, wait for its row, Enter. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await this.page.keyboard.type(name, { delay: 20 });
    await this.page.locator(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.editor-group-container.active .tab.active[data-resource-name="${name}"]`).waitFor();
  }

  /** Clicks the editor tab of file `name` (in the first group showing it) with the mouse. */
  async clickTab(name: string): Promise<void> {
    await this.page.locator(`.tabs-container .tab[data-resource-name="${name}"]`).first().click();
    await this.page.locator(`.editor-group-container.active .tab.active[data-resource-name="${name}"]`).waitFor();
  }

  /**
   * Command palette (F1): type the title, wait until that command is the highlighted row, Enter.
   * A command that opens a quick pick of its own names its title in `opensPick`: the widget then
   * stays up with that title instead of closing.
   */
  async runCommand(title: string, opts: { opensPick?: string } = {}): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.page.locator('.quick-input-widget input').waitFor();
    await this.page.keyboard.type(title, { delay: 10 });
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
    if (opts.opensPick) await this.page.locator('.quick-input-widget .quick-input-title', { hasText: opts.opensPick }).waitFor();
    else await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** In an open quick pick: type `query`, wait until a row showing `row` is highlighted, Enter. */
  async pick(query: string, row: string | RegExp): Promise<void> {
    await this.page.keyboard.type(query, { delay: 20 });
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: row }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The tabs (in any group) whose label matches `label`. */
  tabs(label: string | RegExp): Locator {
    return this.page.locator('.tabs-container .tab', { hasText: label });
  }

  /** Closes the first tab labelled `label` with its close button (the × on the tab). */
  async closeTab(label: string | RegExp): Promise<void> {
    const tab = this.tabs(label).first();
    await tab.hover();
    await tab.locator('.codicon-close').click();
    await tab.waitFor({ state: 'detached' });
  }

  /** The box of the first editor line containing `lineText` in the active editor, with the line numbers. */
  async lineBox(lineText: string): Promise<Box> {
    const box = await this.page.evaluate((lineText) => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor') ?? document.querySelector('.monaco-editor');
      const line = Array.from(editor?.querySelectorAll<HTMLElement>('.view-lines .view-line') ?? []).find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(lineText));
      if (!editor || !line) return undefined;
      const e = editor.getBoundingClientRect();
      const l = line.getBoundingClientRect();
      return { x: e.left, y: l.top, width: e.width, height: l.height };
    }, lineText);
    if (!box) throw new Error(`no line with "${lineText}" on screen; lines: ${JSON.stringify(await this.editorLines())}`);
    return box;
  }

  /** Saves a crop of the page (`clip`, in page coordinates) as `file`. */
  async screenshotClip(file: string, clip: Box): Promise<string> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file, clip });
    this.screenshots.push(file);
    return file;
  }

  /**
   * The smallest box holding all `boxes`, grown by `pad` (left and right) and `padY` (top and
   * bottom; 0 by default, so a crop starting at an editor line shows no half of the line above),
   * kept inside the viewport.
   */
  region(boxes: (Box | null | undefined)[], pad = 8, padY = 0): Box {
    const shown = boxes.filter((b): b is Box => !!b);
    if (!shown.length) throw new Error('region(): nothing on screen to crop to');
    const viewport = this.page.viewportSize() ?? { width: 1280, height: 800 };
    const left = Math.max(0, Math.floor(Math.min(...shown.map((b) => b.x)) - pad));
    const top = Math.max(0, Math.floor(Math.min(...shown.map((b) => b.y)) - padY));
    const right = Math.min(viewport.width, Math.ceil(Math.max(...shown.map((b) => b.x + b.width)) + pad));
    const bottom = Math.min(viewport.height, Math.ceil(Math.max(...shown.map((b) => b.y + b.height)) + padY));
    return { x: left, y: top, width: right - left, height: bottom - top };
  }

  /** Text of the visible lines of the active editor (Monaco renders spaces as U+00A0). */
  async editorLines(): Promise<string[]> {
    return this.page.evaluate(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor') ?? document.querySelector('.monaco-editor');
      if (!editor) return [];
      const lines = Array.from(editor.querySelectorAll<HTMLElement>('.view-lines .view-line'));
      // View lines are absolutely positioned and not in document order.
      lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      return lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '));
    });
  }

  /**
   * The screen point of `word` in the first editor line containing `lineText`: a DOM Range
   * over the text node, so the point is where the word is drawn.
   */
  async pointOf(lineText: string, word: string): Promise<{ x: number; y: number }> {
    // No named helpers inside: tsx would wrap them in `__name(...)`, which the page does not have.
    const point = await this.page.evaluate(
      ({ lineText, word }) => {
        const editor = document.querySelector('.editor-group-container.active .monaco-editor') ?? document.querySelector('.monaco-editor');
        const line = Array.from(editor?.querySelectorAll<HTMLElement>('.view-lines .view-line') ?? []).find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(lineText));
        if (!line) return undefined;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = (node.textContent ?? '').replace(/\u00a0/g, ' ').indexOf(word);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
        return undefined;
      },
      { lineText, word },
    );
    if (!point) throw new Error(`"${word}" in a line with "${lineText}" is not on screen; lines: ${JSON.stringify(await this.editorLines())}`);
    return point;
  }

  /** Moves the mouse onto `word` and returns the hover's text once it shows `expected`. */
  async hover(lineText: string, word: string, expected: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      // Park the mouse elsewhere first: the hover shows on mouse movement over the word.
      await this.page.mouse.move(5, 5);
      const { x, y } = await this.pointOf(lineText, word);
      await this.page.mouse.move(x, y, { steps: 5 });
      const until = Date.now() + 4_000;
      while (Date.now() < until) {
        await this.page.waitForTimeout(200);
        text = await this.visibleHoverText();
        if (expected.test(text)) return text;
      }
    }
    throw new Error(`no hover matching ${expected} over "${word}" (last hover text: ${JSON.stringify(text.slice(0, 300))})`);
  }

  /** The text of the editor hover on screen ('' when none shows). */
  async visibleHoverText(): Promise<string> {
    return this.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.monaco-hover'))
        .filter((h) => !h.classList.contains('hidden') && h.offsetParent !== null)
        .map((h) => h.innerText)
        .join('\n'),
    );
  }

  /**
   * The document of a webview: VS Code nests it in two iframes (the webview host page, then
   * the frame holding the extension's HTML), so this is a frame whose parent is itself a
   * frame. Waits for one whose body text matches `pattern`; returns it with its HTML.
   */
  async webviewDocument(pattern: RegExp, timeoutMs = 20_000): Promise<{ frame: Frame; text: string; html: string }> {
    const main = this.page.mainFrame();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        const parent = frame.parentFrame();
        if (!parent || parent === main) continue;
        const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (!pattern.test(text)) continue;
        const html = await frame.content().catch(() => '');
        if (html) return { frame, text, html };
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no webview document shows ${pattern} (frames: ${this.page.frames().map((f) => f.url()).join(', ')})`);
  }

  /** The frame (webviews nest iframes) whose body text matches `pattern`, and that text. */
  async frameWithText(pattern: RegExp, timeoutMs = 20_000): Promise<{ frame: Frame; text: string }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (pattern.test(text)) return { frame, text };
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no webview frame shows ${pattern} (frames: ${this.page.frames().map((f) => f.url()).join(', ')})`);
  }
}
