/**
 * The timeout of every API function (the `Api` and each route area's, src/catalog/functions.ts),
 * apart from the function catalog so that the functions read it without bundling the catalog
 * (ADR 0022, sixth round): the Idempotency-Key lease (src/wiring.ts) and the local gateway's
 * integration timeout derive from it, and the infra tests check every API function has it.
 */
export const API_TIMEOUT_SECONDS = 10;
