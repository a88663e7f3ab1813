import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setToken, signOut } from '@/lib/auth';
import { AppProvider } from './provider';

function renderExportLink() {
  render(
    <AppProvider>
      <a href="/api/v1/products/export.csv?q=lamp" download>
        Export CSV
      </a>
    </AppProvider>,
  );
}

describe('AppProvider', () => {
  afterEach(() => {
    signOut();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it.each([
    ['click', 0],
    ['auxclick', 1],
  ])('follows a download link through a single-use ticket asked for with the token (%s)', async (type, button) => {
    const ticketed = '/api/v1/products/export.csv?q=lamp&download_ticket=abc';
    const fetchMock = vi.fn(
      async () =>
        new Response(JSON.stringify({ url: ticketed, expires_in: 60 }), {
          status: 201,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const followed: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      followed.push(this.getAttribute('href') ?? '');
    });
    setToken('pi_download-token');
    renderExportLink();
    screen.getByRole('link', { name: 'Export CSV' }).dispatchEvent(
      new MouseEvent(type, { bubbles: true, cancelable: true, button }),
    );
    await vi.waitFor(() => expect(followed).toEqual([ticketed]));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/downloads');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ Authorization: 'Bearer pi_download-token' });
    expect(JSON.parse(String(init.body))).toEqual({ url: '/api/v1/products/export.csv?q=lamp' });
  });

  it('says why a download could not start', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('', { status: 500 })));
    setToken('pi_download-token');
    renderExportLink();
    await userEvent.setup().click(screen.getByRole('link', { name: 'Export CSV' }));
    expect(await screen.findByText(/The download could not start: The server failed \(500\)/)).toBeInTheDocument();
  });

  it('asks for a ticket without a token too, and says when downloads are busy rather than follow the link', async () => {
    const detail = '2 downloads (exports, error reports) are being written already; try again in a few seconds.';
    const fetchMock = vi.fn(
      async () =>
        new Response(JSON.stringify({ detail }), {
          status: 503,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '5' },
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const followed = vi.spyOn(HTMLAnchorElement.prototype, 'click');
    renderExportLink();
    screen.getByRole('link', { name: 'Export CSV' }).dispatchEvent(
      new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }),
    );
    expect(await screen.findByText(`The download could not start: ${detail}`)).toBeInTheDocument();
    expect(followed).not.toHaveBeenCalled();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/downloads');
    expect(init.headers).not.toHaveProperty('Authorization');
  });
});
