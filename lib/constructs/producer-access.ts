/**
 * Producers' access to a region's Ingest queue (issue 11, docs/producers.md): the queue policy
 * allows `sqs:SendMessage`, and nothing else, on this queue only, to exactly the configured
 * principals (accounts or roles of other WedSync services), over TLS only; none configured, no
 * statement. The stack output names the URL producers use in this region.
 */
import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Producer } from '../settings';

export interface ProducerAccessProps {
  readonly queue: sqs.IQueue;
  readonly producers: readonly Producer[];
}

/** An account id is the whole account (its root principal); anything else is a role ARN. */
const principalOf = (producer: Producer): iam.IPrincipal =>
  /^\d{12}$/.test(producer.principal)
    ? new iam.AccountPrincipal(producer.principal)
    : new iam.ArnPrincipal(producer.principal);

export class ProducerAccess extends Construct {
  /** The queue policy statement, when producers are configured. */
  readonly statement?: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: ProducerAccessProps) {
    super(scope, id);
    if (props.producers.length > 0) {
      this.statement = new iam.PolicyStatement({
        sid: 'ProducersSendOnly',
        effect: iam.Effect.ALLOW,
        principals: props.producers.map(principalOf),
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
        conditions: { Bool: { 'aws:SecureTransport': 'true' } },
      });
      props.queue.addToResourcePolicy(this.statement);
    }
    new CfnOutput(this, 'QueueUrl', {
      key: 'ProducerQueueUrl',
      value: props.queue.queueUrl,
      description:
        'Producers nearest this region send their CloudEvents here (docs/producers.md; ' +
        '`npm run cli -- --stage <stage> producers` lists every region)',
    });
  }
}
