/**
 * Values built on first use and kept for the life of the container (ADR 0022, fifth round).
 *
 * A module's top level runs when a bundle loads, whether or not the function ever uses what it
 * builds: a zod schema built there is paid in every cold start of every function that bundles
 * the module. A catalogue of schemas keyed by name (event types, ...) can instead hold one
 * builder per name: `lazyRecord` gives a record with the same keys whose values are built the
 * first time each is read, then kept. Keys, `Object.keys` and `hasOwnProperty` are available
 * without building anything.
 */
export type Built<B extends Record<string, () => unknown>> = { readonly [K in keyof B]: ReturnType<B[K]> };

export function lazyRecord<B extends Record<string, () => unknown>>(builders: B): Built<B> {
  const record = {} as Record<keyof B, unknown>;
  for (const key of Object.keys(builders) as (keyof B & string)[]) {
    const build = builders[key];
    Object.defineProperty(record, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = build();
        Object.defineProperty(record, key, { value, enumerable: true, configurable: false, writable: false });
        return value;
      },
    });
  }
  return record as Built<B>;
}

/**
 * One value built on the first call, then kept for the container: a zod schema that only some
 * invocations use (a queued message's check, a secret's format) costs nothing at load. ADR 0022,
 * eighth round. Put a `@__PURE__` comment before each top-level call: esbuild then drops a builder
 * that a bundle never calls (the mailer's bundle lost 7 KB that way). esbuild 0.25 does not apply
 * this definition's own annotation across modules: without the mark at the call, every unused
 * builder stayed in the bundles (checked).
 */
/* @__NO_SIDE_EFFECTS__ */
export function lazy<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
