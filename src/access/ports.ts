/** What the access use cases need from the outside world. */

import type { SigningKeySet } from './domain/signing-key-set';

/** Signing keys from Secrets Manager (or the local mode's secrets). */
export interface KeyRingSource {
  /** Current key first, then the previous one (if any). */
  keyRing(options?: { forceFetch?: boolean }): Promise<readonly string[]>;
  /**
   * The secret as a signing key set (issue 9), when the source holds one: review-link tokens then
   * name their key. A forced fetch is made at most once a second, whoever asks.
   */
  keySet?(options?: { forceFetch?: boolean }): Promise<SigningKeySet>;
}
