/**
 * Issue 10: the PagingCheck is catalogued AWS only (it reads the SNS alarm topics; there is no SNS
 * locally), the local mode refuses to start an AWS-only function, and the alarm-topic grant names
 * both topics' ARNs in the environment (and fails without them, like any missing resource).
 */
import { ALARM_TOPIC_ARN_ENV, environmentFor, type ResourceNames } from '#src/catalog/function-env';
import { FUNCTIONS, functionDefinition } from '#src/catalog/functions';
import { FUNCTION_TIMEOUT_ENV } from '#src/shared/env';
import { readProjectConfig } from '../../../lib/settings';
import { localFunctionEnv } from '../../../local/function-env';

const unused = (): never => {
  throw new Error('not granted');
};
const names: ResourceNames = {
  table: unused,
  queue: unused,
  deadLetterQueue: unused,
  secret: unused,
  emailSender: unused,
  setting: unused,
  key: unused,
  bucket: unused,
};

it('marks PagingCheck, and only it, as AWS only, with a reason', () => {
  expect(FUNCTIONS.filter((f) => f.runs?.awsOnly).map((f) => f.id)).toEqual(['PagingCheck']);
  expect(functionDefinition('PagingCheck').runs?.awsOnly).toMatch(/SNS/);
});

it('refuses to give an AWS-only function a local environment, saying why', () => {
  const context = { runtime: {}, config: readProjectConfig(), names, secretValues: {} };
  expect(() => localFunctionEnv(functionDefinition('PagingCheck'), context)).toThrow(
    /PagingCheck runs in AWS only: it reads the SNS alarm topics/,
  );
});

it('names both alarm topics for PagingCheck, and fails when the deployment gives none', () => {
  const fn = functionDefinition('PagingCheck');
  expect(environmentFor(fn, { ...names, alarmTopicArn: (t) => `arn:aws:sns:us-east-1:1:${t}` })).toEqual({
    [FUNCTION_TIMEOUT_ENV]: String(fn.timeoutSeconds),
    [ALARM_TOPIC_ARN_ENV.critical]: 'arn:aws:sns:us-east-1:1:critical',
    [ALARM_TOPIC_ARN_ENV.warning]: 'arn:aws:sns:us-east-1:1:warning',
  });
  expect(() => environmentFor(fn, names)).toThrow(/PagingCheck reads the alarm topics: no topic ARNs given/);
});
