/** Outbound webhook delivery building blocks: signing, SSRF policy, HTTP, retries, circuit breaker. */
export * from './signing';
export * from './ssrf';
export * from './http-delivery';
export * from './retry-schedule';
export * from './circuit-breaker';
