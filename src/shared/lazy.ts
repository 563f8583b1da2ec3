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
