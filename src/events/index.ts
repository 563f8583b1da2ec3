/** Event envelope, inbound and outbound catalogues, parsing and budget thresholds. */
export * from './common';
export * from './envelope';
export * from './inbound';
export * from './outbound';
export * from './parse';
export * from './examples';
export * from '../budgets/domain/budget-thresholds';
