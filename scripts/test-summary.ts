// Prints the plain closing line `N passed, N failed[, N skipped]` from vitest's JSON report.
// Usage: node scripts/test-summary.ts <report.json> <exit status of the test command>
import { readFileSync } from 'node:fs';

const [file = '.vitest-results.json', statusText = '0'] = process.argv.slice(2);
const status = Number(statusText);

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

let report: VitestJson | undefined;
try {
  report = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
} catch {
  report = undefined;
}

if (!report) {
  // lint or typecheck failed before any test ran
  console.log(`0 passed, ${status === 0 ? 0 : 1} failed`);
} else {
  // a suite that failed to load counts as a failure even though none of its tests ran
  const failed = report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  const skipped = report.numPendingTests + report.numTodoTests;
  const shownFailed = failed === 0 && status !== 0 ? 1 : failed;
  console.log(`${report.numPassedTests} passed, ${shownFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
