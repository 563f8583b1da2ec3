/**
 * Runtime API of the in-process models (no AWS/CDK imports, no training code, no network).
 * Import from here in Lambda handlers; the models live in the `layers/models` layer
 * (`/opt/nodejs/models`, overridable with WEDSYNC_MODEL_DIR).
 */
export {
  ARTIFACT_FORMAT,
  FILES_ARTIFACT_FORMAT,
  LEGACY_ARTIFACT_FORMAT,
  parseArtifact,
  type ArtifactFileReader,
  TASKS,
  type ModelArtifact,
  type ReferenceDistribution,
  type Task,
} from './artifact';
export { defaultModelDir, listVersions, loadModel, modelPath, readArtifact, type LoadOptions } from './load';
export { modelFromArtifact, type Model, type ModelOptions } from './model';
export type { Candidate, Prediction } from './prediction';
export { wordCount } from './tokenize';
export {
  assignmentBucket,
  assignVariant,
  BUCKETS,
  ModelPool,
  parseRegistries,
  type ModelRegistry,
  type Variant,
} from './registry';
export {
  DriftMonitor,
  expectedSentiment,
  ratingAgreement,
  type DriftMonitorOptions,
  type DriftReport,
} from './drift';
export type { Observation as DriftObservation } from './drift';
export { CONFIDENCE_EDGES, histogram, labelShares, psi, psiLevel, PSI_EPSILON } from './psi';
export {
  assessAuthenticity,
  combineReasons,
  containsEmail,
  containsLink,
  containsPhoneNumber,
  DEFAULT_REASON_WEIGHTS,
  estimateJaccard,
  jaccard,
  minHashSignature,
  nearDuplicates,
  ratingSentimentMismatch,
  REASON_CODES,
  FLAG_REASON_CODES,
  sameSourceCount,
  shingles,
  type AuthenticityOptions,
  type AuthenticityResult,
  type ReasonCode,
  type ReviewUnderCheck,
  type SentimentSignal,
  type TextRef,
  type TimedRef,
} from './authenticity';
export {
  assertDeployable,
  cardIsNonCommercial,
  checkModelsLayer,
  isNonCommercialLicence,
  LicenceGateError,
  type CardLicensing,
  type GateOptions,
} from './licence-gate';
