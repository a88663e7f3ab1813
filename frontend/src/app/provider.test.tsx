import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setToken, signOut } from '@/lib/auth';
import { AppProvider } from './provider';

describe('AppProvider', () => {
  afterEach(() => {
    signOut();
    vi.unstubAllGlobals();
  });

  it('lets download links send the API token, once per click, and says why a download failed', async () => {
    const fetchMock = vi.fn(async () => new Response('', { status: 500 }));
    vi.stubGlobal('fetch', fetchMock);
    setToken('pi_download-token');
    render(
      <AppProvider>
        <a href="/api/v1/products/export.csv" download>
          Export CSV
        </a>
      </AppProvider>,
    );
    await userEvent.setup().click(screen.getByRole('link', { name: 'Export CSV' }));
    expect(await screen.findByText('The download failed (HTTP 500).')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledWith(expect.stringMatching(/\/api\/v1\/products\/export\.csv$/), {
      headers: { Authorization: 'Bearer pi_download-token' },
    });
  });
});
