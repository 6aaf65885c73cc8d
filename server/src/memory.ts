// Memory back when a big document closes. Its worker's heap goes with the worker, but this thread's heap
// stays as large as that document's traffic made it (its texts and its thousands of diagnostics passed
// through here): V8 shrinks a heap only at a major collection, and an idle server has none. One full
// collection shortly after the close returns those pages. `--expose-gc` is set at run time because
// editors start the server without flags; where that is refused, memory returns at V8's next collection.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;
let timer: NodeJS.Timeout | undefined;

/** A full garbage collection in `delayMs` (once, however often it is asked for meanwhile). */
export function collectSoon(delayMs = 1000): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    if (gc === undefined) {
      try {
        setFlagsFromString('--expose-gc');
        gc = runInNewContext('gc') as () => void;
      } catch {
        gc = null;
      }
    }
    gc?.();
  }, delayMs);
  timer.unref();
}
