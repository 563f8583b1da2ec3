/**
 * Issue 7, section 2: the tests and the local mode run on the Lambda runtime's major version. npm
 * scripts (and npx) put the `node` devDependency's binary first on the PATH; a run on another
 * Node (the system's, say) fails here instead of passing on a runtime Lambda does not have.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FUNCTION_BUNDLING } from '../../../src/catalog/bundling';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const majorOf = (version: string): number => Number(/(\d+)/.exec(version)?.[1]);

const lambdaMajor = majorOf(FUNCTION_BUNDLING.target);

it('bundles for the Lambda runtime, and the lambda construct deploys that runtime', () => {
  expect(lambdaMajor).toBe(22);
  const construct = readFileSync(path.join(ROOT, 'lib', 'constructs', 'service-function.ts'), 'utf8');
  expect(construct).toContain(`lambda.Runtime.NODEJS_${lambdaMajor}_X`);
});

it('declares that major in engines and installs it as the node devDependency', () => {
  expect(majorOf(pkg.engines.node)).toBe(lambdaMajor);
  expect(majorOf(pkg.devDependencies.node!)).toBe(lambdaMajor);
});

it('runs on it', () => {
  expect(majorOf(process.versions.node)).toBe(lambdaMajor);
});
