/** Logger and Metrics, built once with one service name (STYLE 4). */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvocationLogFormatter } from './logging';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'wedsync';

// Per-invocation keys (correlation id) come from the invocation, not the shared logger (logging.ts).
export const logger = new Logger({ serviceName, logFormatter: new InvocationLogFormatter() });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'WedSync',
});
