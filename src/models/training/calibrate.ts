/** Temperature scaling: the T > 0 minimising the log loss of sigmoid(z / T) on held-out logits. */
import { sigmoid, softmax } from '../ml/linear';

function logLoss(logits: readonly number[][], y: readonly number[], t: number): number {
  let loss = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    if (z.length === 1) {
      const p = sigmoid(z[0] / t);
      loss -= Math.log(Math.max(1e-12, y[i] === 1 ? p : 1 - p));
    } else {
      const p = softmax(z.map((v) => v / t));
      loss -= Math.log(Math.max(1e-12, p[y[i]]));
    }
  }
  return loss;
}

/** Golden-section search over log T in [log 0.05, log 20]; returns T rounded to 3 decimals. */
export function fitTemperature(logits: readonly number[][], y: readonly number[]): number {
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (logLoss(logits, y, Math.exp(a)) < logLoss(logits, y, Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.round(Math.exp((lo + hi) / 2) * 1000) / 1000;
}
