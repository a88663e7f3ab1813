import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, '..');
const repo = resolve(frontend, '..');
const STARTUP_TIMEOUT_MS = 180_000;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(baseURL: string, server: ChildProcess, log: () => string) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`The backend exited with code ${server.exitCode} while starting:\n${log()}`);
    }
    try {
      const response = await fetch(`${baseURL}/health`);
      const health = (await response.json()) as { status?: string; workers?: number };
      last = JSON.stringify(health);
      if (health.status === 'ok' && (health.workers ?? 0) >= 1) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error(`The backend was not healthy with a worker within ${STARTUP_TIMEOUT_MS / 1000} s (last: ${last}):\n${log()}`);
}

function stop(server: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (server.exitCode !== null || server.signalCode !== null) return done();
    const killer = setTimeout(() => server.kill('SIGKILL'), 30_000);
    server.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    server.kill('SIGINT');
  });
}

/** Starts `product-importer serve` on a free port with a fresh DATA_DIR; returns the teardown. */
export default async function globalSetup() {
  // Test the UI as it is now: build it unless told the build is fresh (`make test` just built it).
  if (!process.env.E2E_SKIP_BUILD || !existsSync(join(frontend, 'dist', 'index.html'))) {
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: frontend, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('vite build failed');
  }
  const executable = process.env.PRODUCT_IMPORTER_BIN ?? join(repo, '.venv', 'bin', 'product-importer');
  if (!existsSync(executable)) throw new Error(`${executable} is missing: run \`make install\` at the repository root.`);

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'product-importer-e2e-'));
  // The CSV files the tests write: a folder of the run's own, whatever `--output` says.
  const csvDir = mkdtempSync(join(tmpdir(), 'product-importer-e2e-csv-'));
  const removeDirs = () => {
    for (const dir of [dataDir, csvDir]) rmSync(dir, { recursive: true, force: true });
  };
  const baseURL = `http://127.0.0.1:${port}`;
  let output = '';
  const server = spawn(executable, ['serve', '--port', String(port)], {
    cwd: repo,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      FRONTEND_DIST: join(frontend, 'dist'),
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      // Small batches give several progress events even for a test-sized CSV.
      IMPORT_BATCH_ROWS: process.env.IMPORT_BATCH_ROWS ?? '2000',
      LOG_LEVEL: 'warning',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    if (process.env.E2E_SERVER_LOG) process.stderr.write(chunk);
  };
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);

  try {
    await waitForHealth(baseURL, server, () => output);
  } catch (error) {
    await stop(server);
    removeDirs();
    throw error;
  }
  process.env.E2E_BASE_URL = baseURL;
  process.env.E2E_DATA_DIR = dataDir;
  process.env.E2E_CSV_DIR = csvDir;

  return async () => {
    await stop(server);
    removeDirs();
  };
}
