/** The real-time capability's public face: channels, connection tokens, the socket routes, fan-out. */
export * from './domain/channels';
export * from './domain/connection-token';
export * from './domain/protocol';
export type * from './ports';
export * from './use-cases/issue-token';
export * from './use-cases/socket';
export * from './use-cases/deliver';
export * from './use-cases/fan-out';
export * from './use-cases/record';
export * from './domain/token-route';
