/**
 * PostToConnection through API Gateway's management API (`https://{api}.execute-api.{region}
 * .amazonaws.com/{stage}`), or the local server's (`http://127.0.0.1:<port>`): the same client,
 * another endpoint. 410 Gone means the connection is closed.
 */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionMessenger } from '../ports';

export class ManagementApiMessenger implements ConnectionMessenger {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async post(connectionId: string, data: string): Promise<'sent' | 'gone'> {
    try {
      await this.client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data, 'utf8') }),
      );
      return 'sent';
    } catch (error) {
      if (
        error instanceof GoneException ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410
      ) {
        return 'gone';
      }
      throw error;
    }
  }
}
