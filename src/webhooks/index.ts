/** Outbound webhook delivery building blocks: signing, SSRF policy, HTTP, retries, circuit breaker. */
export * from './domain/signing';
export * from './adapters/ssrf';
export * from './adapters/http-delivery';
export * from './domain/retry-schedule';
export * from './domain/circuit-breaker';
