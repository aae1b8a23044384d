// The Explain view's only script: copy buttons, where to scroll after a page change, and the state VS Code restores after a reload.
// Navigation needs no script: page links are command: links the webview host runs itself.
(function () {
  const vscode = acquireVsCodeApi();
  const { state, anchor, scroll } = document.body.dataset;
  if (state) vscode.setState(JSON.parse(state));
  // After load, and after the webview host has put back the previous page's scroll position.
  window.addEventListener('load', () =>
    setTimeout(() => {
      if (anchor) document.getElementById(anchor)?.scrollIntoView();
      else if (scroll === 'top') window.scrollTo(0, 0);
    }),
  );

  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-snippet]') : null;
    if (!(button instanceof HTMLButtonElement)) return;
    // The host copies the snippet it rendered under this key; the page sends no text.
    vscode.postMessage({ type: 'copy', snippet: button.dataset.snippet });
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
})();
