/** What the access use cases need from the outside world. */

/** Signing keys from Secrets Manager (or the local mode's secrets). */
export interface KeyRingSource {
  /** Current key first, then the previous one (if any). */
  keyRing(options?: { forceFetch?: boolean }): Promise<readonly string[]>;
}
