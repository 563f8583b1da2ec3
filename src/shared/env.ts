/** Configuration from the environment: fail fast with a clear message, never default to ''. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

export function optionalEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function numberEnv(name: string, fallback: number): number {
  const raw = optionalEnv(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`Environment variable ${name} must be a number, got "${raw}"`);
  return value;
}

export const currentRegion = (): string => process.env.AWS_REGION ?? requireEnv('AWS_DEFAULT_REGION');

/**
 * The function's timeout in seconds, set by the CDK construct from src/catalog/functions.ts (and
 * by the local mode from the same catalog): AWS SDK clients derive their timeouts from it.
 */
export const FUNCTION_TIMEOUT_ENV = 'WEDSYNC_FUNCTION_TIMEOUT_SECONDS';
