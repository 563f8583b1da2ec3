/**
 * The whole API (every area) as one request handler, for the tests that exercise every route: no
 * function serves it, each area's function builds its own app (src/catalog/functions.ts `api`).
 * The request handling itself (route, authorize, validate, call the operation, idempotency, audited
 * ops acts) is `areaApp` (./area-app.ts), built from an area's operations and request schemas.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { OperationId } from '../../src/catalog/route-table';
import { ROUTE_REQUESTS } from '../../src/catalog/routes';
import { areaApp, type AreaAppDeps } from './area-app';
import type { Operations } from './operation';
import { recordAct } from './admin-acts';
import { auditHealthOperations, type AuditHealthDeps } from './operations/audit-health';
import { connectionOperations, type ConnectionOperationDeps } from './operations/connections';
import { metaOperations, type HealthDeps } from './operations/meta';
import { modelOperations, type ModelDeps } from './operations/models';
import { reviewOperations, type ReviewDeps } from './operations/reviews';
import { webhookOperations, type WebhookDeps } from './operations/webhooks';
import { importOperations, type ImportDeps } from './operations/imports';
import { replyOperations, type ReplyDeps } from './operations/replies';
import { notificationOperations, type NotificationOperationDeps } from './operations/notifications';
import { accessOperations, type AccessDeps } from './operations/access';
// Real-time updates (issue 14)
import { realtimeOperations, type RealtimeOperationDeps } from './operations/realtime';
import { privacyOperations, type PrivacyDeps } from './operations/privacy';

/** Every area's dependencies, plus how to report the unexpected. */
export interface ApiDeps
  extends
    ReviewDeps,
    ModelDeps,
    WebhookDeps,
    ConnectionOperationDeps,
    AuditHealthDeps,
    ImportDeps,
    ReplyDeps,
    NotificationOperationDeps,
    AccessDeps,
    RealtimeOperationDeps,
    PrivacyDeps,
    HealthDeps,
    AreaAppDeps {}

const OPERATIONS: Operations<OperationId, ApiDeps> = {
  ...reviewOperations,
  ...modelOperations,
  ...webhookOperations,
  ...metaOperations,
  ...connectionOperations,
  ...auditHealthOperations,
  ...importOperations,
  ...replyOperations,
  ...notificationOperations,
  ...accessOperations,
  ...realtimeOperations,
  ...privacyOperations,
};

const app = areaApp(OPERATIONS, ROUTE_REQUESTS, recordAct);

export function handleApiEvent(event: APIGatewayProxyEvent, deps: ApiDeps): Promise<APIGatewayProxyResult> {
  return app(event, deps);
}
