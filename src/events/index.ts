/** The event contracts: envelope, inbound and outbound catalogues, parsing, the publisher port. */
export * from './common';
export * from './envelope';
export * from './inbound';
export * from './outbound';
export * from './parse';
export * from './examples';
export * from './domain-event';
