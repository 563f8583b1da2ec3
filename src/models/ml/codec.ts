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

/** The non-zero weights of an encoding: ascending flat indices and their values (float32, as stored dense). */
export interface WeightEntries {
  readonly index: Uint32Array;
  readonly value: Float32Array;
}

/** The 255 possible values of an encoding, computed once: w = sign(q) * (|q| * scale)^2 at q + 128. */
function valueTable(scale: number): Float64Array {
  const table = new Float64Array(256);
  for (let q = -127; q <= 127; q++) {
    const m = Math.abs(q) * scale;
    table[q + 128] = Math.sign(q) * m * m;
  }
  return table;
}

/**
 * Decodes an encoding, checking every index against `size`: into `dense` (a zeroed array of `size`
 * entries) when given, else into the returned entries. One loop either way: it runs once per model
 * at cold start, mostly before the JIT has compiled it, so it does little per entry, and a one-byte
 * gap (most of them) takes the short path.
 */
function decode(enc: EncodedWeights, size: number, dense?: Float32Array): WeightEntries | undefined {
  const idx = Buffer.from(enc.index, 'base64');
  const valBuf = Buffer.from(enc.value, 'base64');
  const vals = new Int8Array(valBuf.buffer, valBuf.byteOffset, valBuf.length);
  if (vals.length !== enc.count) throw new Error(`weights: expected ${enc.count} values, got ${vals.length}`);
  const table = valueTable(enc.scale);
  const index = dense ? undefined : new Uint32Array(enc.count);
  const value = dense ? undefined : new Float32Array(enc.count);
  const end = idx.length;
  let pos = 0;
  let at = 0;
  for (let k = 0; k < enc.count; k++) {
    if (pos >= end) throw new Error('weights: truncated index stream');
    let byte = idx[pos++];
    let gap = byte & 0x7f;
    for (let factor = 0x80; byte >= 0x80; factor *= 0x80) {
      if (pos >= end) throw new Error('weights: truncated index stream');
      byte = idx[pos++];
      gap += (byte & 0x7f) * factor;
    }
    at += gap;
    if (at >= size) throw new Error(`weights: index ${at} out of range ${size}`);
    if (dense) dense[at] = table[vals[k] + 128];
    else {
      index![k] = at;
      value![k] = table[vals[k] + 128];
    }
  }
  return index && value ? { index, value } : undefined;
}

/** The entries of {@link encodeWeights} (ascending flat indices and their values). */
export function decodeEntries(enc: EncodedWeights, size: number): WeightEntries {
  return decode(enc, size)!;
}

/** Inverse of {@link encodeWeights} into a dense array of `size` entries. */
export function decodeWeights(enc: EncodedWeights, size: number): Float32Array {
  const out = new Float32Array(size);
  decode(enc, size, out);
  return out;
}

export function denseWeights(entries: WeightEntries, size: number): Float32Array {
  const out = new Float32Array(size);
  const { index, value } = entries;
  for (let k = 0; k < index.length; k++) out[index[k]] = value[k];
  return out;
}

/**
 * The non-zero weights of a multi-output model by bucket: bucket `b`'s entries are `first[b]` to
 * `first[b] + count[b]` (none when `count[b]` is 0), each an output (`output`) and its weight.
 * A few hundred KB where the dense table of an 18-class model over 2^16 buckets is 4.7 MB, so a
 * note's features touch a few cache lines instead of one or two per feature in a table far larger
 * than the cache.
 */
export interface WeightRows {
  readonly first: Uint32Array;
  readonly count: Uint8Array;
  readonly output: Uint8Array;
  readonly weight: Float32Array;
}

/** The rows of a model's entries (flat index = bucket * outputs + output, ascending); at most 255 outputs. */
export function weightRows(entries: WeightEntries, buckets: number, outputs: number): WeightRows {
  if (outputs > 255) throw new Error(`weights: ${outputs} outputs do not fit the rows`);
  const { index, value } = entries;
  const first = new Uint32Array(buckets);
  const count = new Uint8Array(buckets);
  const output = new Uint8Array(index.length);
  // Ascending flat indices: a bucket's entries are consecutive. Empty buckets keep count 0.
  for (let k = 0; k < index.length; k++) {
    const b = (index[k] / outputs) | 0;
    if (count[b] === 0) first[b] = k;
    count[b]++;
    output[k] = index[k] - b * outputs;
  }
  return { first, count, output, weight: value };
}
