/**
 * AWS SDK clients, created once per process. Endpoints come from the SDK's own environment
 * variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS), which the local mode points at
 * DynamoDB Local and fauxqs; in Lambda they are unset and the regional endpoints are used.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

let rawClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;

/** The low-level client (for libraries that marshal themselves, such as Powertools idempotency). */
export function dynamoClient(): DynamoDBClient {
  rawClient ??= new DynamoDBClient({ maxAttempts: 3 });
  return rawClient;
}

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function sqs(): SQSClient {
  // Emulators hand out queue URLs on host names that do not resolve: keep to the endpoint.
  sqsClient ??= new SQSClient({ maxAttempts: 3, useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS });
  return sqsClient;
}
