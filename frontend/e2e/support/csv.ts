import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Under Playwright's output folder, which it empties at the start of each run.
const dir = join(repo, 'frontend', 'test-results', 'csv');
mkdirSync(dir, { recursive: true });

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes a CSV with these rows (header `sku,name,description`) and returns its path. */
export function writeCsv(name: string, rows: string[][], header = ['sku', 'name', 'description']): string {
  const path = join(dir, name);
  writeFileSync(path, [header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n');
  return path;
}

/** A realistic CSV from the repository's generator, or a simple one when it is not there. */
export function generatedCsv(name: string, rows: number, seed = 1): string {
  const path = join(dir, name);
  const generator = join(repo, 'generate_csv.py');
  const python = join(repo, '.venv', 'bin', 'python');
  if (existsSync(generator) && existsSync(python)) {
    execFileSync(python, [generator, '--rows', String(rows), '--seed', String(seed), '--out', path]);
    return path;
  }
  const lines = ['sku,name,description'];
  for (let i = 0; i < rows; i += 1) lines.push(`GEN-${seed}-${i},Generated product ${i},"Row ${i}, seed ${seed}"`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
