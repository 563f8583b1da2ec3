/** A queue to send to (the ingest queue, the inference-retry queue, ...). */
export interface MessageQueue {
  /** `body` is a JSON text. Resolves only once the queue has durably accepted the message. */
  send(body: string, attributes?: Record<string, string>): Promise<void>;
}
