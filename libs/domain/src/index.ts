export * from './kinds.ts';
export * from './object-key.ts';
