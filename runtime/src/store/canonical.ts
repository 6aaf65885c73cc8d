// Canonical JSON and hashing: the run store names every run by the sha256 of a canonical JSON rendering of
// everything that determines it, so the same spec always maps to the same folder, whatever the key order
// in the objects or the formatting of the source file.
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and no whitespace. Rejects what JSON cannot represent
 * faithfully (undefined inside arrays, NaN, Infinity, functions, Maps), so a key can never silently lose
 * information. Object properties whose value is undefined are omitted, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v) => {
          if (v === undefined) throw new Error('canonicalJson: undefined in an array');
          return canonicalJson(v);
        }).join(',')}]`;
      }
      if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) {
        throw new Error(`canonicalJson: ${value.constructor.name} is not plain data`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The store's name for a key object: sha256 of its canonical JSON. */
export function hashKey(key: unknown): string {
  return sha256(canonicalJson(key));
}
