import type { ReviewTokenKeys } from '../domain/review-token';
import type { KeyRingSource } from '../ports';

/**
 * The keys review-link tokens are signed and verified with: the source's key set when it has one
 * (tokens then name their key), else its plain ring (tokens without a kid, as before issue 9).
 */
export function loadReviewTokenKeys(
  source: KeyRingSource,
  options: { forceFetch?: boolean } = {},
): Promise<ReviewTokenKeys> {
  return source.keySet ? source.keySet(options) : source.keyRing(options);
}
