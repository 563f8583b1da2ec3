/**
 * Sparse quantised weights in the layout inference reads, so that loading does no work per weight.
 *
 * Values are square-root companded int8 (w = sign(q) * (|q| * scale)^2): small weights keep more
 * resolution than a linear int8 scale would give them. The non-zero weights are sorted by flat
 * index (bucket * outputs + output) and cut into groups of 2^groupBits consecutive buckets:
 * - `starts` (little-endian uint32, groups + 1): group g's entries are starts[g] to starts[g + 1];
 * - `slots` (uint8 per entry): the bucket's place in its group (bucket & (2^groupBits - 1));
 * - `outputs` (uint8 per entry, empty for one-output models): the class of the entry;
 * - `values` (int8 per entry): q.
 * Each is base64 in `model.json`; loading decodes it (native code) into typed-array views. A
 * feature's weights are found by scanning its group (about eight buckets), where a dense table of
 * 2^18 floats would have to be built entry by entry at cold start.
 *
 * `wedsync-linear-v3` keeps the same four arrays, not base64, back to back in a file beside
 * `model.json` (`weights.bin`: starts, slots, outputs, values; starts first, so they are aligned):
 * loading reads the file and makes views on it, with no string to allocate, parse or decode.
 *
 * The previous encoding (`wedsync-linear-v1`: varint gaps between indices) is still read:
 * {@link upgradeLegacyWeights} repacks it.
 */

/** The weights of a `wedsync-linear-v2` artifact (see the module comment). */
export interface EncodedWeights {
  /** Number of non-zero weights. */
  readonly count: number;
  /** Decoding: w = sign(q) * (|q| * scale)^2 for each int8 value q. */
  readonly scale: number;
  /** log2 of the buckets per group (0-8). */
  readonly groupBits: number;
  readonly starts: string;
  readonly slots: string;
  readonly outputs: string;
  readonly values: string;
}

/** The file of a `wedsync-linear-v3` artifact's weights, beside its `model.json`. */
export const WEIGHTS_FILE = 'weights.bin';

/** The weights of a `wedsync-linear-v3` artifact as its `model.json` names them. */
export interface WeightsFileRef {
  readonly count: number;
  readonly scale: number;
  readonly groupBits: number;
  readonly file: typeof WEIGHTS_FILE;
  /** Size and SHA-256 of the file (the card pins `model.json`, and so these). */
  readonly bytes: number;
  readonly sha256: string;
}

/** The weights of a `wedsync-linear-v3` artifact once its file is read: the four arrays back to back. */
export interface BinaryWeights {
  readonly count: number;
  readonly scale: number;
  readonly groupBits: number;
  readonly data: Uint8Array;
}

/** The weights of a parsed artifact: base64 fields (v1, v2, the model store) or a v3 weights file. */
export type ArtifactWeights = EncodedWeights | BinaryWeights;

export const isBinaryWeights = (w: ArtifactWeights): w is BinaryWeights => 'data' in w;

/** The weights of a `wedsync-linear-v1` artifact. */
export interface LegacyEncodedWeights {
  readonly count: number;
  readonly scale: number;
  /** base64 of varint-encoded gaps between successive flat indices. */
  readonly index: string;
  /** base64 of the int8 values in index order. */
  readonly value: string;
}

/** Decoded weights: views on the artifact's bytes, plus the 256 possible values. */
export interface PackedWeights {
  readonly buckets: number;
  readonly outputs: number;
  readonly groupBits: number;
  readonly starts: Uint32Array;
  readonly slots: Uint8Array;
  /** The class of each entry; empty for one-output models. */
  readonly output: Uint8Array;
  readonly q: Int8Array;
  /** Weight of a value q at q + 128, as a float32 (as the dense tables of v1 held it). */
  readonly table: Float32Array;
}

/** Non-zero entries by ascending flat index, before packing. */
interface Entries {
  readonly flat: ArrayLike<number>;
  readonly q: ArrayLike<number>;
  readonly scale: number;
}

/**
 * Quantises `dense` to companded int8 (scale = sqrt(max |w|) / 127) and keeps only the entries
 * with |w| >= `minAbs` that do not round to zero.
 */
function quantise(dense: ArrayLike<number>, minAbs: number): Entries {
  let maxAbs = 0;
  for (let i = 0; i < dense.length; i++) maxAbs = Math.max(maxAbs, Math.abs(dense[i]));
  const scale = maxAbs > 0 ? Number((Math.sqrt(maxAbs) / 127).toPrecision(8)) : 1;
  const flat: number[] = [];
  const q: number[] = [];
  for (let i = 0; i < dense.length; i++) {
    if (Math.abs(dense[i]) < minAbs) continue;
    const v = Math.sign(dense[i]) * Math.round(Math.sqrt(Math.abs(dense[i])) / scale);
    if (v === 0) continue;
    flat.push(i);
    q.push(Math.max(-127, Math.min(127, v)));
  }
  return { flat, q, scale };
}

const base64 = (bytes: Uint8Array | Uint32Array | Int8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * Groups of at most eight non-empty buckets on average: the largest groupBits (<= 8) for which
 * the groups divide the buckets and outnumber an eighth of the non-empty buckets. Deterministic.
 */
function chooseGroupBits(nonEmptyBuckets: number, buckets: number): number {
  let bits = 0;
  for (;;) {
    const next = bits + 1;
    const groups = buckets >>> next;
    if (next > 8 || groups < 1 || groups << next !== buckets || groups * 8 < nonEmptyBuckets) return bits;
    bits = next;
  }
}

function pack(entries: Entries, buckets: number, outputs: number): EncodedWeights {
  if (outputs > 256) throw new Error(`weights: ${outputs} outputs do not fit one byte`);
  const { flat, q, scale } = entries;
  const n = q.length;
  let nonEmpty = 0;
  for (let k = 0; k < n; k++) {
    if (k === 0 || Math.floor(flat[k] / outputs) !== Math.floor(flat[k - 1] / outputs)) nonEmpty++;
  }
  const groupBits = chooseGroupBits(nonEmpty, buckets);
  const groups = buckets >>> groupBits;
  const starts = new Uint32Array(groups + 1);
  const slots = new Uint8Array(n);
  const output = new Uint8Array(outputs === 1 ? 0 : n);
  const values = Int8Array.from(q);
  for (let k = 0; k < n; k++) {
    const bucket = Math.floor(flat[k] / outputs);
    if (bucket >= buckets) throw new Error(`weights: index ${flat[k]} out of range ${buckets * outputs}`);
    starts[(bucket >>> groupBits) + 1]++;
    slots[k] = bucket & ((1 << groupBits) - 1);
    if (outputs > 1) output[k] = flat[k] - bucket * outputs;
  }
  for (let g = 0; g < groups; g++) starts[g + 1] += starts[g];
  if (!littleEndian()) throw new Error('weights: the codec writes little-endian hosts only');
  return {
    count: n,
    scale,
    groupBits,
    starts: base64(starts),
    slots: base64(slots),
    outputs: base64(output),
    values: base64(values),
  };
}

/** Quantises and packs a dense table of `outputs` weights per bucket (flat index = bucket * outputs + output). */
export function encodeWeights(dense: ArrayLike<number>, minAbs = 0, outputs = 1): EncodedWeights {
  if (dense.length % outputs !== 0)
    throw new Error(`weights: ${dense.length} is not a multiple of ${outputs}`);
  return pack(quantise(dense, minAbs), dense.length / outputs, outputs);
}

let endianness: boolean | undefined;
function littleEndian(): boolean {
  return (endianness ??= new Uint8Array(new Uint32Array([1]).buffer)[0] === 1);
}

/** The bytes of a base64 field as a fresh, aligned buffer (so that typed arrays can view it). */
function bytesOf(field: string): ArrayBuffer {
  const buf = Buffer.from(field, 'base64');
  // Large decodes get their own ArrayBuffer; small ones may sit in Node's shared pool: copy those.
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) return buf.buffer as ArrayBuffer;
  return new Uint8Array(buf).buffer;
}

/** The v3 weights file of base64 weights: the same bytes, not base64, starts first. */
export function weightsFileBytes(w: ArtifactWeights): Buffer {
  if (isBinaryWeights(w)) return Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength);
  return Buffer.concat([w.starts, w.slots, w.outputs, w.values].map((f) => Buffer.from(f, 'base64')));
}

/** Base64 weights of either form (the single-file form: `wedsync-linear-v2`, the model store). */
export function encodedWeights(w: ArtifactWeights, buckets: number, outputs: number): EncodedWeights {
  if (!isBinaryWeights(w)) return w;
  const p = unpackWeights(w, buckets, outputs);
  return {
    count: w.count,
    scale: w.scale,
    groupBits: w.groupBits,
    starts: base64(p.starts),
    slots: base64(p.slots),
    outputs: base64(p.output),
    values: base64(p.q),
  };
}

/** The four arrays of a weights file, as views on it (a copy only if it is not 4-byte aligned). */
function viewsOf(w: BinaryWeights, groups: number, outputs: number) {
  const n = w.count;
  const startBytes = 4 * (groups + 1);
  const expected = startBytes + n * (outputs === 1 ? 2 : 3);
  if (w.data.byteLength !== expected) {
    throw new Error(`weights: the file holds ${w.data.byteLength} bytes, ${expected} expected`);
  }
  const data = w.data.byteOffset % 4 === 0 ? w.data : new Uint8Array(w.data);
  const { buffer, byteOffset } = data;
  const outputBytes = outputs === 1 ? 0 : n;
  return {
    starts: new Uint32Array(buffer, byteOffset, groups + 1),
    slots: new Uint8Array(buffer, byteOffset + startBytes, n),
    output: new Uint8Array(buffer, byteOffset + startBytes + n, outputBytes),
    q: new Int8Array(buffer, byteOffset + startBytes + n + outputBytes, n),
  };
}

/** The 255 possible values of an encoding: w = sign(q) * (|q| * scale)^2 at q + 128. */
function valueTable(scale: number): Float32Array {
  const table = new Float32Array(256);
  for (let q = -127; q <= 127; q++) {
    const m = Math.abs(q) * scale;
    table[q + 128] = Math.sign(q) * m * m;
  }
  return table;
}

/**
 * Decodes an encoding for `buckets` buckets of `outputs` weights each. Checks the lengths and the
 * group starts (per group, not per weight: an entry's slot or output out of range can only miss).
 */
export function unpackWeights(enc: ArtifactWeights, buckets: number, outputs: number): PackedWeights {
  if (!littleEndian()) throw new Error('weights: the codec reads little-endian hosts only');
  const groups = buckets >>> enc.groupBits;
  if (groups << enc.groupBits !== buckets)
    throw new Error(`weights: groups do not divide ${buckets} buckets`);
  let starts: Uint32Array;
  let slots: Uint8Array;
  let output: Uint8Array;
  let q: Int8Array;
  if (isBinaryWeights(enc)) ({ starts, slots, output, q } = viewsOf(enc, groups, outputs));
  else {
    const startBytes = bytesOf(enc.starts);
    if (startBytes.byteLength !== 4 * (groups + 1)) {
      throw new Error(`weights: expected ${groups + 1} group starts, got ${startBytes.byteLength / 4}`);
    }
    starts = new Uint32Array(startBytes);
    slots = new Uint8Array(bytesOf(enc.slots));
    output = new Uint8Array(bytesOf(enc.outputs));
    q = new Int8Array(bytesOf(enc.values));
  }
  const n = enc.count;
  if (slots.length !== n || q.length !== n || output.length !== (outputs === 1 ? 0 : n)) {
    throw new Error(`weights: expected ${n} entries in every array`);
  }
  if (starts[0] !== 0 || starts[groups] !== n)
    throw new Error('weights: group starts do not cover the entries');
  for (let g = 0; g < groups; g++) {
    if (starts[g + 1] < starts[g]) throw new Error('weights: group starts are not ascending');
  }
  return {
    buckets,
    outputs,
    groupBits: enc.groupBits,
    starts,
    slots,
    output,
    q,
    table: valueTable(enc.scale),
  };
}

/** The dense table (float32, buckets * outputs) of packed weights: for the general (non-fused) path. */
export function denseWeights(p: PackedWeights): Float32Array {
  const out = new Float32Array(p.buckets * p.outputs);
  const { starts, slots, output, q, table, groupBits, outputs } = p;
  for (let g = 0; g + 1 < starts.length; g++) {
    for (let e = starts[g]; e < starts[g + 1]; e++) {
      const bucket = (g << groupBits) + slots[e];
      out[bucket * outputs + (outputs === 1 ? 0 : output[e])] = table[q[e] + 128];
    }
  }
  return out;
}

/** The dense table of an encoding (training priors, tests). */
export function decodeWeights(enc: ArtifactWeights, buckets: number, outputs = 1): Float32Array {
  return denseWeights(unpackWeights(enc, buckets, outputs));
}

/**
 * Repacks `wedsync-linear-v1` weights (varint gaps between flat indices, int8 values) into the
 * current encoding: the same entries and values, so a model predicts exactly what it did.
 */
export function upgradeLegacyWeights(
  enc: LegacyEncodedWeights,
  buckets: number,
  outputs: number,
): EncodedWeights {
  const size = buckets * outputs;
  const idx = Buffer.from(enc.index, 'base64');
  const valBuf = Buffer.from(enc.value, 'base64');
  const q = new Int8Array(valBuf.buffer, valBuf.byteOffset, valBuf.length);
  if (q.length !== enc.count) throw new Error(`weights: expected ${enc.count} values, got ${q.length}`);
  const flat = new Uint32Array(enc.count);
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
    flat[k] = at;
  }
  return pack({ flat, q, scale: enc.scale }, buckets, outputs);
}

/**
 * Legacy encoder (tests of the upgrade path only): the v1 encoding of a dense table, as training
 * wrote it before `wedsync-linear-v2`.
 */
export function encodeLegacyWeights(dense: ArrayLike<number>, minAbs = 0): LegacyEncodedWeights {
  const { flat, q, scale } = quantise(dense, minAbs);
  const bytes: number[] = [];
  let prev = 0;
  for (let k = 0; k < flat.length; k++) {
    let g = flat[k] - prev;
    prev = flat[k];
    while (g >= 0x80) {
      bytes.push((g & 0x7f) | 0x80);
      g >>>= 7;
    }
    bytes.push(g);
  }
  return {
    count: q.length,
    scale,
    index: Buffer.from(bytes).toString('base64'),
    value: Buffer.from(Int8Array.from(q).buffer).toString('base64'),
  };
}
