// Where job-worker.ts and tsx's loader are when running from source (tsx). Imported only in that case, by a
// computed specifier, so the CommonJS bundle never contains `import.meta` (it forks dist/job-worker.js;
// see worker-pool.ts).
import { fileURLToPath } from 'node:url';

export const jobWorkerSourcePath = fileURLToPath(new URL('./job-worker.ts', import.meta.url));
export const tsxLoaderUrl = import.meta.resolve('tsx');
