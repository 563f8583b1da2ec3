/**
 * The infra specs over the default synth (no cdk-nag, no bundling), in one test file so they share
 * one synthesis of the three-region app (test/infra/support/synth.ts memoizes it per file): each
 * spec module registers its tests when imported. A spec over another synth goes in its own file.
 */
import './alarms.spec';
import './api.spec';
import './backup.spec';
// Safe deploys: CodeDeploy canaries of every service function (issue 11).
import './canary.spec';
import './connections.spec';
import './data-stack.spec';
import './dns.spec';
import './encryption.spec';
import './imports.spec';
// Model retraining (issue 13, ADR 0026)
import './model-retraining.spec';
import './models-layer.spec';
import './paging-check.spec';
import './platform-alarm-metrics.spec';
import './pipeline.spec';
import './platform-audit.spec';
import './producers.spec';
import './realtime.spec';
import './regional-independence.spec';
// CloudFormation's per-stack limits over this synth, which is `npm run synth`'s (ADR 0031).
import './resource-budget.spec';
import './secret-rotation.spec';
import './service-stack.spec';
import './webhook-secret-rotation.spec';
