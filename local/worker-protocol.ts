/**
 * The worker host's own lines on its stdout, besides the functions' output (local/worker-host.ts
 * writes them, local/workers.ts reads them): a consumer invocation that failed (threw or timed
 * out), as `function-error <FunctionId>`, Lambda's `Errors` metric for the local ops page.
 */
export const FUNCTION_ERROR_LINE = 'function-error ';

/**
 * How long the worker host's stop may take before it exits regardless (batches in flight may
 * finish; a poll hung on an emulator that stopped answering must not keep the process for good).
 */
export const WORKER_HOST_STOP_DEADLINE_MS = 12_000;

/** How long its parent waits for it to stop before killing its process group (later than the deadline). */
export const WORKER_HOST_KILL_AFTER_MS = 15_000;
