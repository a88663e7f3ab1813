import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repo = resolve(frontend, '..');

function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export type SecuredServer = { baseURL: string; stop: () => Promise<void> };

/**
 * A second backend, with API tokens configured (the shared one from global-setup is open):
 * `product-importer serve` on a free port, a fresh DATA_DIR, no workers (these tests import
 * nothing), the built UI.
 */
export async function startSecuredServer(env: Record<string, string>): Promise<SecuredServer> {
  const executable = process.env.PRODUCT_IMPORTER_BIN ?? join(repo, '.venv', 'bin', 'product-importer');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'product-importer-e2e-secured-'));
  const baseURL = `http://127.0.0.1:${port}`;
  let output = '';
  const server: ChildProcess = spawn(executable, ['serve', '--port', String(port)], {
    cwd: repo,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      FRONTEND_DIST: join(frontend, 'dist'),
      SPAWN_WORKER: 'false',
      LOG_LEVEL: 'warning',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);

  const stop = () =>
    new Promise<void>((done) => {
      const finish = () => {
        rmSync(dataDir, { recursive: true, force: true });
        done();
      };
      if (server.exitCode !== null || server.signalCode !== null) return finish();
      const killer = setTimeout(() => server.kill('SIGKILL'), 30_000);
      server.once('exit', () => {
        clearTimeout(killer);
        finish();
      });
      server.kill('SIGINT');
    });

  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      // `degraded` (no workers) is the expected answer: the database and Redis are up.
      const health = (await (await fetch(`${baseURL}/health`)).json()) as { database?: string };
      if (health.database === 'ok') return { baseURL, stop };
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 500));
  }
  await stop();
  throw new Error(`The secured backend did not start:\n${output}`);
}
