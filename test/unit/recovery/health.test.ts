import { checkHealth, failedChecks, type HealthProbe, type HealthProbes } from '../../../src/recovery';

const ok: HealthProbe = async () => undefined;
const failing: HealthProbe = async () => {
  throw new Error('ResourceNotFoundException: secret internals');
};

describe('checkHealth', () => {
  it('is ok when every probe answers', async () => {
    const report = await checkHealth({ dynamodb: ok, sqs: ok, secrets: ok }, 'eu-west-1');
    expect(report).toMatchObject({
      status: 'ok',
      region: 'eu-west-1',
      checks: { dynamodb: { status: 'ok' }, sqs: { status: 'ok' }, secrets: { status: 'ok' } },
    });
    expect(failedChecks(report)).toEqual([]);
  });

  it('is unavailable when one probe fails, naming it without its error message', async () => {
    const report = await checkHealth({ dynamodb: ok, sqs: failing, secrets: ok }, 'us-east-1');
    expect(report.status).toBe('unavailable');
    expect(report.checks.sqs.status).toBe('failed');
    expect(failedChecks(report)).toEqual(['sqs']);
    expect(JSON.stringify(report)).not.toContain('internals');
  });

  it('counts a probe that outlives its deadline as a timeout, aborts it, and answers in time', async () => {
    let aborted = false;
    const hanging: HealthProbe = (signal) =>
      new Promise<void>(() => {
        signal.addEventListener('abort', () => (aborted = true));
      });
    const probes: HealthProbes = { dynamodb: hanging, sqs: ok, secrets: ok };
    const started = Date.now();
    const report = await checkHealth(probes, 'us-east-1', { timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report.checks.dynamodb.status).toBe('timeout');
    expect(report.checks.sqs.status).toBe('ok');
    expect(failedChecks(report)).toEqual(['dynamodb']);
    expect(aborted).toBe(true);
  });

  it('runs the probes at once: each waits for the other two to start', async () => {
    let started = 0;
    let release: () => void = () => undefined;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    const together: HealthProbe = async () => {
      started += 1;
      if (started === 3) release();
      await allStarted;
    };
    const report = await checkHealth({ dynamodb: together, sqs: together, secrets: together }, 'r', {
      timeoutMs: 2_000,
    });
    expect(report.status).toBe('ok');
  });
});
