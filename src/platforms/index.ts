/** The platforms capability's public face: the connector contract, connections and the audit trail. */
export * from './domain/platform';
export * from './domain/connection';
export * from './domain/audit';
export type * from './ports';
// Replies and synced reviews (the reviews-replies part of issue 8).
export * from './domain/replies';
export * from './domain/review-messages';
export * from './use-cases/request-reply';
export * from './use-cases/publish-reply';
