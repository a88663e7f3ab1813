import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ImportPanel } from '../components/import-panel';

/** A stand-in for XMLHttpRequest: records sends; the test reports progress and answers. */
class FakeXhr {
  static instances: FakeXhr[] = [];
  method = '';
  url = '';
  body: FormData | null = null;
  status = 0;
  responseText = '';
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.instances.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader() {}
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

describe('uploading a CSV', () => {
  beforeEach(() => {
    FakeXhr.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows the bytes sent, then follows the import; Retry sends the same file again', async () => {
    const failed = importFactory({ id: 'up-1', filename: 'catalog.csv', status: 'failed', error: 'Disk full' });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/up-1', body: failed },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    const file = new File(['sku,name\nA,B\n'], 'catalog.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Choose a CSV file'), file);

    const xhr = FakeXhr.instances[0];
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/imports');
    expect((xhr.body?.get('file') as File).name).toBe('catalog.csv');
    act(() => xhr.progress(1_048_576, 4_194_304));
    expect(screen.getByTestId('upload-percent')).toHaveTextContent('25%');
    expect(screen.getByText('1.0 MB of 4.0 MB sent')).toBeInTheDocument();

    act(() => xhr.respond(202, { ...failed, status: 'queued', error: null }));
    expect(await screen.findByText(/Reason: Disk full/)).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/?import=up-1');

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(FakeXhr.instances).toHaveLength(2);
    expect((FakeXhr.instances[1].body?.get('file') as File).name).toBe('catalog.csv');
  });

  it('keeps the file chooser focusable while the file uploads, and sends one file', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    const chooser = screen.getByLabelText('Choose a CSV file');
    await user.upload(chooser, new File(['sku,name\nA,B\n'], 'first.csv', { type: 'text/csv' }));
    expect(screen.getByRole('region', { name: 'Upload' })).toBeInTheDocument();
    // Not disabled: a disabled field would drop the keyboard focus to the page.
    expect(chooser).toBeEnabled();
    expect(chooser).toHaveAttribute('aria-disabled', 'true');
    await user.upload(chooser, new File(['sku,name\nC,D\n'], 'second.csv', { type: 'text/csv' }));
    expect(FakeXhr.instances).toHaveLength(1);
  });

  it('shows why the API rejected the file', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(
      screen.getByLabelText('Choose a CSV file'),
      new File(['code\n1\n'], 'bad.csv', { type: 'text/csv' }),
    );
    act(() => FakeXhr.instances[0].respond(422, { detail: 'The header has no "sku" column.' }));
    expect(await screen.findByText('The upload was rejected.')).toBeInTheDocument();
    expect(screen.getByText(/The header has no "sku" column\./)).toBeInTheDocument();
  });

  it('refuses a file that is not a CSV before sending it', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup({ applyAccept: false });
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file'), new File(['x'], 'photo.png', { type: 'image/png' }));
    expect(screen.getByText('photo.png is not a .csv file.')).toHaveAttribute('role', 'alert');
    expect(FakeXhr.instances).toHaveLength(0);
  });
});
