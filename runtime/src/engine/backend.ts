// Choosing the TensorFlow.js backend: native TensorFlow (tfjs-node) when it loads, else WebAssembly, else
// plain JavaScript. tfjs-node is an optional dependency whose install downloads libtensorflow; where that
// failed it is absent or broken, and we say why instead of failing.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo, BackendName } from './types.js';

/** The tfjs registry name of each of our backend names. */
const TFJS_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const PREFERENCE: BackendName[] = ['node', 'wasm', 'cpu'];

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}

/** Tries to make `name` the running backend; returns null on success, else the reason it is unavailable. */
async function tryBackend(name: BackendName): Promise<string | null> {
  if (name === 'node') {
    try {
      // Registers the 'tensorflow' backend with tfjs-core as a side effect.
      await import('@tensorflow/tfjs-node' as string);
    } catch (err) {
      return `@tensorflow/tfjs-node failed to load: ${oneLine(err)}`;
    }
  }
  const registered = tf.findBackendFactory(TFJS_NAME[name]) !== null;
  if (!registered) return `the '${TFJS_NAME[name]}' backend is not registered with @tensorflow/tfjs-core`;
  let ok = false;
  // Production mode: no debug checks, and no console banners from the backends (the CLI owns stdout).
  tf.enableProdMode();
  const before = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  try {
    ok = await tf.setBackend(TFJS_NAME[name]);
    await tf.ready();
  } catch (err) {
    return `initialisation failed: ${oneLine(err)}`;
  } finally {
    // The wasm module (Emscripten) installs process handlers that rethrow every uncaught error, which makes
    // Node print the module's whole minified source line; Node's own handling is the right one here.
    for (const l of process.listeners('uncaughtException')) if (!before.uncaughtException.includes(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!before.unhandledRejection.includes(l)) process.removeListener('unhandledRejection', l);
  }
  if (!ok || tf.getBackend() !== TFJS_NAME[name]) return `initialisation failed (running backend is '${tf.getBackend()}')`;
  return null;
}

/**
 * Makes a backend the running one. Without a choice: node, then wasm, then cpu. An explicit choice that
 * cannot run throws with a one-line reason.
 */
export async function initBackend(choice?: BackendName): Promise<BackendInfo> {
  if (choice !== undefined) {
    if (!PREFERENCE.includes(choice)) throw new Error(`unknown backend '${String(choice)}' (choose node, wasm or cpu)`);
    const why = await tryBackend(choice);
    if (why !== null) throw new Error(`backend '${choice}' is not available: ${why}`);
    return { name: choice, skipped: [] };
  }
  const skipped: string[] = [];
  for (const name of PREFERENCE) {
    const why = await tryBackend(name);
    if (why === null) return { name, skipped };
    skipped.push(`${name}: ${why}`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.join('; ')}`);
}

/** The backend currently running, in our names (null when tfjs runs something we did not choose). */
export function currentBackend(): BackendName | null {
  const running = tf.getBackend();
  for (const name of PREFERENCE) if (TFJS_NAME[name] === running) return name;
  return null;
}
