import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Imports into the catalog take turns to save their rows, under a PostgreSQL advisory lock. This
// takes the same lock (the backend's own key) on the database of the server global-setup started,
// found through the port its embedded PostgreSQL writes into its pid file.
const HOLD = `
import os, sys
from pathlib import Path
import psycopg2
from product_importer.embedded import DATABASE_NAME
from product_importer.imports.staging_sql import MERGE_LOCK_KEYS

pid_file = Path(os.environ["E2E_DATA_DIR"]) / "postgres" / "pgdata" / "postmaster.pid"
port = pid_file.read_text().splitlines()[3].strip()
connection = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname=DATABASE_NAME)
connection.autocommit = True
connection.cursor().execute(f"SELECT pg_advisory_lock({MERGE_LOCK_KEYS})")
print("held", flush=True)
sys.stdin.read()
`;

/**
 * Holds the lock an import takes before it saves its rows, as another import saving would: an
 * import started meanwhile reads and checks its file, then stays running ("Waiting for other
 * imports to finish") for as long as the test needs, and can be cancelled there. `release()`
 * lets it go on.
 */
export async function holdMergeLock(): Promise<{ release: () => Promise<void> }> {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error('E2E_DATA_DIR is not set: global-setup did not start the backend.');
  const holder = spawn(join(repo, '.venv', 'bin', 'python'), ['-c', HOLD], {
    env: { ...process.env, E2E_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  holder.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(holder, 'exit');
  await new Promise<void>((done, reject) => {
    holder.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) done();
    });
    void exited.then(() => reject(new Error(`Could not take the merge lock: ${output}`)));
  });
  return {
    release: async () => {
      if (holder.exitCode !== null) return;
      holder.stdin.end(); // its connection closes, and the lock goes with it
      await exited;
    },
  };
}
