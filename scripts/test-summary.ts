// Prints the plain closing line `N passed, N failed[, N skipped]` from vitest's JSON reports: every
// `*.json` below the given directory (one per Nx test task, see vitest.shared.ts), or one file.
// Usage: node scripts/test-summary.ts <report dir or file> <exit status of the test command>
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [target = 'tmp/test-results', statusText = '0'] = process.argv.slice(2);
const status = Number(statusText);

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

function reportFiles(path: string): string[] {
  try {
    if (!statSync(path).isDirectory()) return [path];
  } catch {
    return [];
  }
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(path, name))
    .sort();
}

let unreadable = 0;
const reports: VitestJson[] = [];
for (const file of reportFiles(target)) {
  try {
    reports.push(JSON.parse(readFileSync(file, 'utf8')) as VitestJson);
  } catch {
    unreadable += 1;
  }
}

if (reports.length === 0) {
  // lint or typecheck failed before any test ran
  console.log(`0 passed, ${status === 0 ? 0 : 1} failed`);
} else {
  const sum = (count: (report: VitestJson) => number): number => reports.reduce((total, report) => total + count(report), 0);
  // a suite that failed to load counts as a failure even though none of its tests ran
  const failed = sum((r) => r.numFailedTests + (r.numFailedTests === 0 ? r.numFailedTestSuites : 0)) + unreadable;
  const skipped = sum((r) => r.numPendingTests + r.numTodoTests);
  const shownFailed = failed === 0 && status !== 0 ? 1 : failed;
  console.log(`${sum((r) => r.numPassedTests)} passed, ${shownFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
