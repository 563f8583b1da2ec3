/**
 * The worker host's own lines on its stdout, besides the functions' output (local/worker-host.ts
 * writes them, local/workers.ts reads them): a consumer invocation that failed (threw or timed
 * out), as `function-error <FunctionId>`, Lambda's `Errors` metric for the local ops page.
 */
export const FUNCTION_ERROR_LINE = 'function-error ';
