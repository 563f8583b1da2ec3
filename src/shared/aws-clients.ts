/**
 * AWS SDK clients, created once per process. Endpoints come from the SDK's own environment
 * variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_SESV2), which the
 * local mode points at DynamoDB Local, fauxqs and the SES emulator; in Lambda they are unset and
 * the regional endpoints are used.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SESv2Client } from '@aws-sdk/client-sesv2';

let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let sesClient: SESv2Client | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function sqs(): SQSClient {
  // Emulators hand out queue URLs on host names that do not resolve: keep to the endpoint.
  sqsClient ??= new SQSClient({ maxAttempts: 3, useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS });
  return sqsClient;
}

/** SES v2 with bounded waits: a slow SES fails the attempt (retried from the queue), never hangs. */
export function sesv2(): SESv2Client {
  sesClient ??= new SESv2Client({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 },
  });
  return sesClient;
}
