// The safetensors format (https://huggingface.co/docs/safetensors), written with Node only: an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]},
// "__metadata__": {string: string}}, then the raw little-endian tensor bytes. The header is padded with
// spaces to a multiple of 8 bytes so every tensor starts aligned, as the reference writer does.
import type { NamedTensors } from '../engine/types.js';

export function encodeSafetensors(tensors: NamedTensors, metadata: Record<string, string> = {}): Buffer {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape.join(', ')}] holds ${count} values, data has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  // Explicit little-endian writes: the bytes are the same on any machine.
  let at = 8 + headerBytes.length;
  for (const name of names) {
    for (const x of tensors[name]!.data) {
      out.writeFloatLE(x, at);
      at += 4;
    }
  }
  return out;
}
