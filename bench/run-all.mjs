// Runs every benchmark in bench/ (each *.bench.ts is standalone and prints its own figures).
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n=== ${file} ===`);
  execFileSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
}
