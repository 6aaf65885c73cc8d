// How a stored run names the spec file that trained it: the path relative to the folder that holds the
// store (for the default `.ptx/` beside the spec, just the file name), with `/` separators, so the
// reference survives moving the whole folder and reads the same on every platform.
import { dirname, relative, resolve, sep } from 'node:path';

export function specRef(storeRoot: string, specFile: string): string {
  return relative(dirname(resolve(storeRoot)), resolve(specFile)).split(sep).join('/');
}
