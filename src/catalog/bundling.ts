/**
 * How every function's handler is bundled, defined once: the CDK construct
 * (lib/constructs/service-function.ts) passes it to NodejsFunction, and the local mode
 * (local/function-bundles.ts) gives the same options to esbuild, so both run the same code.
 */
export const FUNCTION_BUNDLING = {
  /** Lambda's runtime is nodejs22.x. */
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  /** Provided by the Lambda runtime (NodejsFunction's default for Node 18 and later). */
  externalModules: ['@aws-sdk/*'],
  /**
   * Run first in every bundle (paths from the repository root): stack traces mapped through the
   * source map when first printed, instead of Node's `--enable-source-maps` parsing the map at
   * every cold start (src/shared/lazy-source-maps.ts).
   */
  inject: ['src/shared/lazy-source-maps.ts'],
} as const;
