/** Lambda layers, defined once: the CDK stack builds them, functions list the ones they need. */
export type LayerId = 'Models';

export interface LayerDefinition {
  readonly id: LayerId;
  /** Folder (from the repository root) whose contents become /opt in Lambda. */
  readonly path: string;
  /** Where the local mode finds the same files that Lambda sees under /opt/nodejs/models. */
  readonly localModelDir: string;
  readonly description: string;
}

export const LAYERS: readonly LayerDefinition[] = [
  {
    id: 'Models',
    path: 'layers/models',
    localModelDir: 'layers/models/nodejs/models',
    description: 'Model artifacts (sentiment, expense categories), their cards and the A/B registry.',
  },
];
