/** The platforms capability's public face: the connector contract, connections and the audit trail. */
export * from './domain/platform';
export * from './domain/connection';
export * from './domain/audit';
export type * from './ports';
// Connections: the connect flow's schemas and ports (OAuth, token vault).
export * from './domain/connection-schemas';
export type * from './oauth-ports';
