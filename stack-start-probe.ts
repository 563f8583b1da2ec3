import { startLocalStack } from './local/stack';
const t0 = Date.now();
const cpu0 = process.cpuUsage();
(async () => {
  const stack = await startLocalStack({ visibilityTimeoutSeconds: 2, throttling: 'off', dynamoDbEndpoint: process.env.DDB, log: (l: string) => console.log(`${Date.now() - t0} ms: ${l.slice(0, 100)}`) });
  const cpu = process.cpuUsage(cpu0);
  console.log(`started in ${Date.now() - t0} ms; main-process CPU (all threads) ${(cpu.user + cpu.system) / 1000} ms`);
  const t1 = Date.now();
  await stack.stop();
  console.log(`stopped in ${Date.now() - t1} ms`);
})();
