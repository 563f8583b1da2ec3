/**
 * Import rules of the layout by capability (docs/decisions/0007-layout-by-capability.md), checked
 * by `npm run lint`:
 * - no import cycles;
 * - domain code (src/<capability>/domain) imports no adapter, no AWS SDK, no CDK, no Lambda types;
 * - a capability reaches another only through its public face, src/<capability>/index.ts
 *   (src/shared, the kernel, and src/catalog are open to all);
 * - runtime code (src) never imports the infrastructure (lib, bin), the handlers (functions), the
 *   local mode (local) or the tests;
 * - what Lambda loads (src, functions) never imports the training code (src/models/training).
 * The composition root (src/wiring.ts), the handlers, the local mode, the CDK code, the scripts,
 * the bench and the tests may import what they wire or test.
 */
const { existsSync } = require('node:fs');

const CAPABILITIES =
  '(access|reviews|webhooks|models|budgets|events|platforms|realtime|privacy|imports|audit|credentials|recovery|migrations)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and blur ownership.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'Domain code has no AWS, CDK or adapter imports: it is unit-tested as plain code.',
      from: { path: '^src/[^/]+/domain/' },
      to: {
        path: [
          '^src/[^/]+/adapters/',
          '^src/wiring\\.ts$',
          '@aws-sdk/',
          'aws-cdk-lib',
          '^constructs',
          '@aws-lambda-powertools/',
          '(^|/)node_modules/aws-lambda/',
        ],
      },
    },
    {
      name: 'no-reaching-into-another-capability',
      severity: 'error',
      comment: 'Another capability is reached through its index.ts only (its public face).',
      from: { path: `^src/${CAPABILITIES}/` },
      to: {
        path: `^src/${CAPABILITIES}/.+`,
        pathNot: [`^src/$1/`, `^src/${CAPABILITIES}/index\\.ts$`],
      },
    },
    {
      name: 'kernel-and-catalog-stay-small',
      severity: 'error',
      comment: 'src/shared is the kernel every capability uses: it depends on no capability.',
      from: { path: '^src/shared/' },
      to: { path: `^src/(${CAPABILITIES.slice(1, -1)}|catalog|wiring)` },
    },
    {
      name: 'catalog-reads-public-faces',
      severity: 'error',
      comment:
        'The catalog names schemas from capabilities, through their index.ts, or their route-schemas.ts (the ' +
        "request schemas alone, so that an API area's function does not bundle the whole capability; ADR 0022).",
      from: { path: '^src/catalog/' },
      to: { path: `^src/${CAPABILITIES}/.+`, pathNot: `^src/${CAPABILITIES}/(index|route-schemas)\\.ts$` },
    },
    {
      name: 'runtime-does-not-import-outer-layers',
      severity: 'error',
      comment: 'Runtime code never imports infrastructure, handlers, the local mode or tests.',
      from: { path: '^src/' },
      to: { path: '^(lib|bin|functions|local|test|bench|scripts)/' },
    },
    {
      name: 'lambda-code-does-not-load-training',
      severity: 'error',
      comment:
        'Training code (src/models/training) runs in scripts and in the retraining job only (src/models/retraining, ' +
        'functions/model-retrain: ADR 0026): what the serving functions load never imports it.',
      from: {
        path: '^(src|functions)/',
        pathNot: '^(src/models/training/|src/models/retraining/|functions/model-retrain/)',
      },
      to: { path: '^src/models/training/' },
    },
    {
      name: 'handlers-take-adapters-from-wiring',
      severity: 'error',
      comment:
        'One composition root (issue 7): a handler gets its adapters from src/wiring.ts, never by importing an adapter module.',
      from: { path: '^functions/' },
      to: { path: '^src/[^/]+/adapters/' },
    },
    {
      name: 'handlers-do-not-import-each-other',
      severity: 'error',
      comment: 'Each function folder is its own Lambda bundle.',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: '^functions/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // The layout-rules test runs this config in a fixture folder without a tsconfig.
    ...(existsSync('tsconfig.json') ? { tsConfig: { fileName: 'tsconfig.json' } } : {}),
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
    exclude: { path: '(^|/)(cdk\\.out|\\.local)/|^test/fixtures/' },
  },
};
