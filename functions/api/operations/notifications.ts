/**
 * Inbound platform notifications (public): Facebook's subscription handshake and the platforms'
 * notification POSTs. The event's body reaches the platform's verifier byte for byte (the route
 * is a `rawBody` route, so the API handler never parsed it); every answer is a 200 or a 4xx.
 */
import { inboundNotificationOf, notificationResponse, refusedResponse } from '../../../src/wiring';
import {
  receiveNotification,
  type InboundNotification,
  type ReceiveNotificationDeps,
} from '../../../src/platforms';
import type { Operation, Operations } from '../operation';

export interface NotificationOperationDeps {
  /** The use case's dependencies for this request (the secrets are scoped by its query). */
  readonly notifications: (request: InboundNotification) => ReceiveNotificationDeps;
}

const receive: Operation<NotificationOperationDeps> = async ({ event, pathParameters }, deps) => {
  const inbound = inboundNotificationOf(event);
  if (!inbound.ok) return refusedResponse(inbound.status, inbound.reason);
  const platform = pathParameters.platform ?? '';
  return notificationResponse(
    await receiveNotification(platform, inbound.request, deps.notifications(inbound.request)),
  );
};

export const notificationOperations: Operations<
  'verifyPlatformNotifications' | 'receivePlatformNotification',
  NotificationOperationDeps
> = {
  verifyPlatformNotifications: receive,
  receivePlatformNotification: receive,
};
