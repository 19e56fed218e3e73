export * from './backup-object.ts';
export * from './drop-members.ts';
export * from './promotion.ts';
export * from './backup-format.ts';
