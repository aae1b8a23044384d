/**
 * What the suite logs about each mocha test (one line `[statuslens-suite] {json}` per record),
 * shared with the runners outside the editor. No `vscode` import: runners load this in Node.
 */
export const SUITE_LOG_PREFIX = '[statuslens-suite] ';

export type SuiteRecord =
  | { event: 'start'; vscodeVersion: string; appName: string; uiKind: string; total: number }
  | { event: 'test'; title: string; state: 'passed' | 'failed' | 'pending'; durationMs: number; error?: string }
  | { event: 'end'; passed: number; failed: number; pending: number };

/** The records in lines of a log (each line may carry a prefix such as `[info] `). */
export function recordsIn(lines: readonly string[]): SuiteRecord[] {
  const out: SuiteRecord[] = [];
  for (const line of lines) {
    const at = line.indexOf(SUITE_LOG_PREFIX);
    if (at >= 0) out.push(JSON.parse(line.slice(at + SUITE_LOG_PREFIX.length)) as SuiteRecord);
  }
  return out;
}
