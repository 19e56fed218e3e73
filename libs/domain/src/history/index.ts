// History: pure rules over the configuration history (managers of a change, tombstone pruning).
export { managersOfChange } from './managers-of-change.ts';
export { isTombstoneApplied, type AppliedResult } from './tombstone-pruning.ts';
export { unifiedDiff, type UnifiedDiffOptions } from './unified-diff.ts';
export { stateAt, planRestoreAt, historyStart, RestoreAction, type StateAt, type RestoreAtStep, type RestoreAtPlan, type RestoreAtInput } from './restore-at.ts';
