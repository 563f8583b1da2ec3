#!/usr/bin/env node
/** CDK entry point (`cdk.json` runs it with tsx): every stack for every region, checked by cdk-nag. */
import { App } from 'aws-cdk-lib';
import { applyNag } from '../lib/nag';
import { buildWedSync } from '../lib/wedsync';

const app = new App();
buildWedSync(app);
applyNag(app);
app.synth();
