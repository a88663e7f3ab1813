import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The run's folder for CSV files: global-setup makes it, and removes it at the end. */
function csvDir(): string {
  const dir = process.env.E2E_CSV_DIR;
  if (!dir) throw new Error('E2E_CSV_DIR is not set: global-setup did not run.');
  return dir;
}

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes a CSV with these rows (header `sku,name,description`) and returns its path. */
export function writeCsv(name: string, rows: string[][], header = ['sku', 'name', 'description']): string {
  const path = join(csvDir(), name);
  writeFileSync(path, [header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n');
  return path;
}

export type GeneratedCsv = { path: string; rows: number; distinctSkus: number };

/** A realistic CSV from the repository's generator (or a simple one when it is not there). */
export function generatedCsv(name: string, rows: number, seed = 1): GeneratedCsv {
  const path = join(csvDir(), name);
  const generator = join(repo, 'generate_csv.py');
  const python = join(repo, '.venv', 'bin', 'python');
  if (existsSync(generator) && existsSync(python)) {
    const run = spawnSync(python, [generator, '--rows', String(rows), '--seed', String(seed), '--out', path], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`generate_csv.py failed: ${run.stderr}`);
    // It reports "N rows, M distinct SKUs in T s".
    const distinct = /([\d,]+) distinct SKUs/.exec(run.stderr + run.stdout)?.[1];
    if (!distinct) throw new Error(`generate_csv.py did not report its distinct SKUs: ${run.stderr}`);
    return { path, rows, distinctSkus: Number(distinct.replace(/,/g, '')) };
  }
  const lines = ['sku,name,description'];
  for (let i = 0; i < rows; i += 1) lines.push(`GEN-${seed}-${i},Generated product ${i},"Row ${i}, seed ${seed}"`);
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, rows, distinctSkus: rows };
}
