// A node:test reporter that writes one JSON summary per layer: counts, failures and skip reasons.
// Used by scripts/test.mjs next to the human-readable spec reporter.
export default async function* summaryReporter(source) {
  const summary = { passed: 0, failed: 0, skipped: 0, todo: 0, skips: [], failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    // Suites report too; only count leaf tests.
    if (data.details?.type === 'suite') continue;
    if (event.type === 'test:fail') {
      summary.failed++;
      summary.failures.push({ name: data.name, file: data.file, error: String(data.details?.error?.cause?.message ?? data.details?.error?.message ?? '') });
    } else if (data.skip !== undefined && data.skip !== false) {
      summary.skipped++;
      summary.skips.push({ name: data.name, reason: typeof data.skip === 'string' ? data.skip : 'skipped' });
    } else if (data.todo !== undefined && data.todo !== false) {
      summary.todo++;
    } else {
      summary.passed++;
    }
  }
  yield JSON.stringify(summary);
}
