// `npm run bench -- NAME [args]`: runs bench/NAME.ts, whose default export is `(args) => Promise<void>`.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const here = import.meta.dirname;
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3));
  if (!name || !existsSync(join(here, `${name}.ts`))) {
    console.error(`usage: npm run bench -- <${available.join('|')}> [args]`);
    process.exit(2);
  }
  const mod = (await import(join(here, `${name}.ts`))) as { default: (args: string[]) => Promise<void> };
  await mod.default(args);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
