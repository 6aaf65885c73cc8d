// Named float32 tensors on disk: one binary file of little-endian float32 values laid end to end, and a
// JSON index giving each tensor's name, shape and offset. Loading checks that the index and the binary
// agree (sizes, bounds), so a mismatched pair is an error rather than garbage weights.
import { endianness } from 'node:os';
import type { NamedTensors } from '../engine/types.js';

/** On little-endian machines (all the usual ones) float32 arrays are copied as bytes, without a loop. */
const NATIVE_LE = endianness() === 'LE';

export interface TensorIndexEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements from the start of the binary. */
  offset: number;
  length: number;
}

export interface TensorIndex {
  format: 'ptx-tensors/1';
  dtype: 'float32';
  byteLength: number;
  tensors: TensorIndexEntry[];
}

function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function encodeTensors(tensors: NamedTensors): { index: TensorIndex; bin: Uint8Array } {
  const names = Object.keys(tensors).sort();
  const entries: TensorIndexEntry[] = [];
  let total = 0;
  for (const name of names) {
    const t = tensors[name]!;
    if (t.data.length !== elements(t.shape)) {
      throw new Error(`tensor '${name}': ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    }
    entries.push({ name, shape: [...t.shape], offset: total, length: t.data.length });
    total += t.data.length;
  }
  const bin = new Uint8Array(total * 4);
  const view = new DataView(bin.buffer);
  for (const e of entries) {
    const data = tensors[e.name]!.data;
    if (NATIVE_LE) bin.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), e.offset * 4);
    else for (let i = 0; i < data.length; i++) view.setFloat32((e.offset + i) * 4, data[i]!, true);
  }
  return { index: { format: 'ptx-tensors/1', dtype: 'float32', byteLength: bin.length, tensors: entries }, bin };
}

export function decodeTensors(index: TensorIndex, bin: Uint8Array): NamedTensors {
  if (index.format !== 'ptx-tensors/1' || index.dtype !== 'float32') throw new Error(`unknown tensor format ${index.format}`);
  if (bin.length !== index.byteLength) throw new Error(`tensor binary has ${bin.length} bytes, index says ${index.byteLength}`);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const out: NamedTensors = {};
  for (const e of index.tensors) {
    if (e.length !== elements(e.shape) || e.offset < 0 || (e.offset + e.length) * 4 > bin.length) {
      throw new Error(`tensor '${e.name}' does not fit the binary`);
    }
    const data = new Float32Array(e.length);
    if (NATIVE_LE) new Uint8Array(data.buffer).set(bin.subarray(e.offset * 4, (e.offset + e.length) * 4));
    else for (let i = 0; i < e.length; i++) data[i] = view.getFloat32((e.offset + i) * 4, true);
    out[e.name] = { shape: [...e.shape], data };
  }
  return out;
}

/** Several tensor groups in one file: names become "group/name". */
export function groupTensors(groups: Record<string, NamedTensors>): NamedTensors {
  const out: NamedTensors = {};
  for (const [g, ts] of Object.entries(groups)) for (const [n, t] of Object.entries(ts)) out[`${g}/${n}`] = t;
  return out;
}

export function ungroupTensors(all: NamedTensors, groups: readonly string[]): Record<string, NamedTensors> {
  const out: Record<string, NamedTensors> = {};
  for (const g of groups) out[g] = {};
  for (const [full, t] of Object.entries(all)) {
    const slash = full.indexOf('/');
    const g = full.slice(0, slash);
    if (slash < 0 || !(g in out)) throw new Error(`tensor '${full}' belongs to no known group`);
    out[g]![full.slice(slash + 1)] = t;
  }
  return out;
}
