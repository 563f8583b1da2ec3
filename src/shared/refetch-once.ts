/**
 * Verification with secrets read from a cache that may predate a rotation (issue 9): verify with
 * the cached values; when the outcome is one a newer value could change (a bad signature, an
 * unknown key, a wrong token), fetch the values again, once and never more, and verify again.
 * Review-link tokens (src/reviews) and inbound platform notifications (src/platforms) use it; the
 * sources limit how often a forced fetch really reaches Secrets Manager (src/access key rings).
 */
export type Settled<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

export interface FetchOptions {
  readonly forceFetch?: boolean;
}

async function settle<R>(run: () => Promise<R>): Promise<Settled<R>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

function unwrap<R>(settled: Settled<R>): R {
  if (settled.ok) return settled.value;
  throw settled.error;
}

/**
 * `verify(await load())`; if `staleValuesMayExplain` says a newer value could change the outcome
 * (a returned rejection or a thrown error), `verify(await load({ forceFetch: true }))`, whose
 * outcome stands.
 */
export async function verifyWithOneRefetch<V, R>(
  load: (options: FetchOptions) => Promise<V>,
  verify: (values: V) => R | Promise<R>,
  staleValuesMayExplain: (outcome: Settled<R>) => boolean,
): Promise<R> {
  const first = await settle(async () => verify(await load({})));
  if (!staleValuesMayExplain(first)) return unwrap(first);
  return unwrap(await settle(async () => verify(await load({ forceFetch: true }))));
}
