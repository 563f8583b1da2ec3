/**
 * Lambda entry of the API's `notifications` area (the `ApiNotifications` function): inbound platform
 * notifications (public routes, each authenticated by its platform's own proof). It holds the
 * notification secrets and queues targeted syncs; it has no OAuth secret, no token key and no
 * connection table (src/catalog/functions.ts `api`).
 */
import { NOTIFICATIONS_REQUESTS } from '../../src/catalog/route-requests/notifications';
import { once, receiveNotificationDeps } from '../../src/wiring';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onUnexpectedError } from './lambda';
import { notificationOperations, type NotificationOperationDeps } from './operations/notifications';

type NotificationsAreaDeps = NotificationOperationDeps & AreaAppDeps;

const deps = once((): NotificationsAreaDeps => ({
  notifications: receiveNotificationDeps,
  onUnexpectedError,
}));

const app = areaApp<NotificationsAreaDeps>(notificationOperations, NOTIFICATIONS_REQUESTS);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
