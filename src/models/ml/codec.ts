/**
 * Compact, deterministic encoding of sparse quantised weights: sorted flat indices stored as
 * LEB128 varint deltas and int8 values, both base64. Values are square-root companded
 * (w = sign(q) * (|q| * scale)^2) so small weights keep more resolution than a linear int8 scale
 * would give them. Decoding yields a dense Float32Array.
 */

export interface EncodedWeights {
  /** Number of non-zero weights. */
  readonly count: number;
  /** Decoding: w = sign(q) * (|q| * scale)^2 for each int8 value q. */
  readonly scale: number;
  /** base64 of varint-encoded gaps between successive flat indices. */
  readonly index: string;
  /** base64 of the int8 values in index order. */
  readonly value: string;
}

/**
 * Quantises `dense` to companded int8 (scale = sqrt(max |w|) / 127) and keeps only the entries
 * with |w| >= `minAbs` that do not round to zero.
 */
export function encodeWeights(dense: ArrayLike<number>, minAbs = 0): EncodedWeights {
  let maxAbs = 0;
  for (let i = 0; i < dense.length; i++) maxAbs = Math.max(maxAbs, Math.abs(dense[i]));
  const scale = maxAbs > 0 ? Number((Math.sqrt(maxAbs) / 127).toPrecision(8)) : 1;
  const gaps: number[] = [];
  const values: number[] = [];
  let prev = 0;
  for (let i = 0; i < dense.length; i++) {
    if (Math.abs(dense[i]) < minAbs) continue;
    const q = Math.sign(dense[i]) * Math.round(Math.sqrt(Math.abs(dense[i])) / scale);
    if (q === 0) continue;
    gaps.push(i - prev);
    values.push(Math.max(-127, Math.min(127, q)));
    prev = i;
  }
  const bytes: number[] = [];
  for (let g of gaps) {
    while (g >= 0x80) {
      bytes.push((g & 0x7f) | 0x80);
      g >>>= 7;
    }
    bytes.push(g);
  }
  return {
    count: values.length,
    scale,
    index: Buffer.from(bytes).toString('base64'),
    value: Buffer.from(Int8Array.from(values).buffer).toString('base64'),
  };
}

/** Inverse of {@link encodeWeights} into a dense array of `size` entries. */
export function decodeWeights(enc: EncodedWeights, size: number): Float32Array {
  const out = new Float32Array(size);
  const idx = Buffer.from(enc.index, 'base64');
  const valBuf = Buffer.from(enc.value, 'base64');
  const vals = new Int8Array(valBuf.buffer, valBuf.byteOffset, valBuf.length);
  if (vals.length !== enc.count) throw new Error(`weights: expected ${enc.count} values, got ${vals.length}`);
  let pos = 0;
  let at = 0;
  for (let k = 0; k < enc.count; k++) {
    let gap = 0;
    let shift = 0;
    for (;;) {
      if (pos >= idx.length) throw new Error('weights: truncated index stream');
      const byte = idx[pos++];
      gap += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    at += gap;
    if (at >= size) throw new Error(`weights: index ${at} out of range ${size}`);
    const m = Math.abs(vals[k]) * enc.scale;
    out[at] = Math.sign(vals[k]) * m * m;
  }
  return out;
}
