/**
 * The webhook endpoints' circuit breaker is the shared breaker state machine (src/shared, also used
 * by the platform connectors); this module keeps its historical import path for the webhooks code.
 */
export * from '../../shared/circuit-breaker';
