import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from './api';
import { isPassingFailure } from './api-error';
import { createQueryClient } from './query-client';

function answer(status: number, body: string, type: string) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': type } })));
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('api errors', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('says in plain words that the server failed when its answer is not JSON', async () => {
    answer(500, '<html>Internal Server Error</html>', 'text/html');
    const error = await failure(api.post('products', { sku: 'A' }));
    expect(error.status).toBe(500);
    expect(error.message).toBe('The server failed (500). Try again.');
    expect(error.detail).toBeUndefined();

    answer(502, 'Bad Gateway', 'text/plain');
    expect((await failure(api.get('products'))).message).toBe('The server failed (502). Try again.');
    answer(413, '<html><h1>413 Request Entity Too Large</h1></html>', 'text/html');
    expect((await failure(api.get('products'))).message).toBe('The request failed (HTTP 413).');
  });

  it("keeps the API's own detail", async () => {
    answer(409, JSON.stringify({ detail: 'SKU ABC-1 already exists' }), 'application/json');
    const error = await failure(api.post('products', { sku: 'ABC-1' }));
    expect(error.message).toBe('SKU ABC-1 already exists');
    expect(error.detail).toBe('SKU ABC-1 already exists');
    answer(503, JSON.stringify({ detail: 'The database is starting.' }), 'application/json');
    expect((await failure(api.get('products'))).message).toBe('The database is starting.');
  });

  it("shows the API's detail as a sentence: its first letter capitalised, the detail itself kept", async () => {
    const duplicate =
      "a product with SKU 'x' already exists (product 64921; SKUs are compared ignoring letter case)";
    answer(409, JSON.stringify({ detail: duplicate }), 'application/json');
    const error = await failure(api.post('products', { sku: 'x' }));
    expect(error.message).toBe(
      "A product with SKU 'x' already exists (product 64921; SKUs are compared ignoring letter case)",
    );
    expect(error.detail).toBe(duplicate);
    answer(
      409,
      JSON.stringify({
        detail:
          'a running import is writing the catalog; nothing was changed, try again when it has finished (waited 4 s)',
      }),
      'application/json',
    );
    expect((await failure(api.patch('products/1', { name: 'n' }))).message).toBe(
      'A running import is writing the catalog; nothing was changed, try again when it has finished (waited 4 s)',
    );
  });

  it("shows each message of a validation error's (422) list as a sentence, as the API's own are", async () => {
    const detail = [
      { loc: ['body', 'description'], msg: 'Value error, must not contain the NUL character', type: 'value_error' },
      { loc: ['body', 'name'], msg: 'String should have at most 255 characters', type: 'string_too_long' },
    ];
    answer(422, JSON.stringify({ detail }), 'application/json');
    const error = await failure(api.post('products', { sku: 'x' }));
    expect(error.fieldErrors).toEqual([
      { field: 'description', message: 'Must not contain the NUL character' },
      { field: 'name', message: 'String should have at most 255 characters' },
    ]);
    expect(error.message).toBe(
      'description: Must not contain the NUL character; name: String should have at most 255 characters',
    );
    expect(error.detail).toEqual(detail);
  });
});

describe('which failures pass', () => {
  it('is one rule for every caller: no connection, a timeout, the rate limiter, a server error', () => {
    for (const status of [0, 408, 429, 500, 502, 503]) expect(isPassingFailure(new ApiError(status, undefined))).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 412, 422]) expect(isPassingFailure(new ApiError(status, undefined))).toBe(false);
    expect(isPassingFailure(new DOMException('Aborted', 'AbortError'))).toBe(false);
  });

  it('lets the app retry a query once, soon, for a failure that may pass soon, never for one that will not', () => {
    const retry = createQueryClient().getDefaultOptions().queries?.retry as (count: number, error: Error) => boolean;
    expect(retry(0, new ApiError(408, undefined))).toBe(true);
    expect(retry(0, new ApiError(503, undefined))).toBe(true);
    expect(retry(1, new ApiError(503, undefined))).toBe(false);
    // The rate limiter asks to wait: a quick retry would be refused again.
    expect(retry(0, new ApiError(429, undefined))).toBe(false);
    expect(retry(0, new ApiError(404, undefined))).toBe(false);
  });
});
