export * from './epoch.ts';
export * from './promote-readiness.ts';
