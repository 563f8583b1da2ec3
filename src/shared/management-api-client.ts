/**
 * The API Gateway Management API client whose signer signs the real-time messenger's requests
 * (SigV4 for execute-api, its region and default credential chain). In a module of its own, so that
 * only the bundles that post to WebSocket connections load @aws-sdk/client-apigatewaymanagementapi
 * (src/shared/aws-clients.ts).
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';

export const newManagementApiClient = (): ApiGatewayManagementApiClient =>
  new ApiGatewayManagementApiClient({});
