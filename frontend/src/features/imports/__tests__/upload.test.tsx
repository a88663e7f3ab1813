import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { FakeXhr, useFakeXhr } from '@/testing/fake-xhr';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { getUpload } from '../api/upload-store';
import { ImportPanel } from '../components/import-panel';

/** The Import page and a Products page to go to and come back from. */
function renderImportAndProducts() {
  return renderWithProviders(
    <Routes>
      <Route index element={<ImportPanel />} />
      <Route path="products" element={<h1>Products</h1>} />
    </Routes>,
  );
}

/** Waits until the upload has ended, then lets what its end started (a navigation, a render) run. */
async function uploadEnded() {
  await waitFor(() => expect(getUpload()).toBeNull());
  await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

function csv(name: string): File {
  return new File(['sku,name\nA,B\n'], name, { type: 'text/csv' });
}

describe('uploading a CSV', () => {
  useFakeXhr();

  it('shows the bytes sent, then follows the import; Retry sends the same file again', async () => {
    const failed = importFactory({ id: '00000000-0000-4000-8000-000000000032', filename: 'catalog.csv', status: 'failed', error: 'Disk full' });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000032', body: failed },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    const file = new File(['sku,name\nA,B\n'], 'catalog.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), file);

    const xhr = FakeXhr.instances[0];
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/imports');
    expect((xhr.body?.get('file') as File).name).toBe('catalog.csv');
    act(() => xhr.progress(1_000_000, 4_000_000));
    expect(screen.getByTestId('upload-percent')).toHaveTextContent('25%');
    expect(screen.getByText('1.0 MB of 4.0 MB sent')).toBeInTheDocument();

    act(() => xhr.respond(202, { ...failed, status: 'queued', error: null }));
    expect(await screen.findByText(/Reason: Disk full/)).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/?import=00000000-0000-4000-8000-000000000032');

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(FakeXhr.instances).toHaveLength(2);
    expect((FakeXhr.instances[1].body?.get('file') as File).name).toBe('catalog.csv');
  });

  it('announces the end of the upload, not every byte count', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('loud.csv'));
    const xhr = FakeXhr.instances[0];
    const bar = screen.getByRole('region', { name: 'Upload' });
    const announced = () =>
      Array.from(bar.querySelectorAll('[aria-live], [role="status"], [role="alert"]'), (region) => region.textContent);

    act(() => xhr.progress(1_000_000, 4_000_000));
    const counter = within(bar).getByText('1.0 MB of 4.0 MB sent');
    expect(counter.closest('[aria-live]')).toBeNull();
    act(() => xhr.progress(2_000_000, 4_000_000));
    expect(within(bar).getByText('2.0 MB of 4.0 MB sent')).toBeInTheDocument();
    expect(announced()).toEqual(['']);

    act(() => xhr.sendAll(4_194_304));
    expect(announced()).toEqual(['Upload finished, starting the import…']);
    expect(within(bar).queryByText(/MB sent/)).toBeNull();
  });

  it('offers no Stop once the whole file is sent, and says the import may exist when no answer comes', async () => {
    const { calls } = mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('whole.csv'));
    const xhr = FakeXhr.instances[0];
    const bar = screen.getByRole('region', { name: 'Upload' });
    act(() => xhr.progress(4_194_304, 4_194_304));
    // Every byte is handed over, but the body is not sent until the upload's `load`.
    expect(within(bar).getByRole('button', { name: 'Stop upload' })).toBeInTheDocument();

    act(() => xhr.sendAll(4_194_304));
    expect(bar).toHaveTextContent('Upload finished, starting the import…');
    expect(within(bar).queryByRole('button', { name: 'Stop upload' })).toBeNull();

    const listsBefore = calls.filter((call) => call.url.startsWith('/api/v1/imports?')).length;
    act(() => xhr.fail());
    const notice = (await screen.findByText(/was sent, but the server's answer was lost/)).closest('[role="status"]');
    expect(notice).toHaveTextContent(
      "whole.csv was sent, but the server's answer was lost. Its import may have been accepted: look for it in the history below before uploading the file again.",
    );
    expect(screen.queryByText(/was rejected/)).toBeNull();
    expect(screen.queryByText('Upload stopped. Nothing was imported.')).toBeNull();
    // The history is asked again, so an accepted import shows up.
    await waitFor(() =>
      expect(calls.filter((call) => call.url.startsWith('/api/v1/imports?')).length).toBeGreaterThan(listsBefore),
    );
  });

  it('keeps the keyboard focus on Retry while the file uploads again, then on the new import', async () => {
    const failed = importFactory({ id: '00000000-0000-4000-8000-000000000032', filename: 'catalog.csv', status: 'failed', error: 'Disk full' });
    const again = importFactory({ id: '00000000-0000-4000-8000-000000000033', filename: 'catalog.csv', status: 'queued', progress: 0 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000032', body: failed },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000033', body: again },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), new File(['sku,name\nA,B\n'], 'catalog.csv', { type: 'text/csv' }));
    act(() => FakeXhr.instances[0].respond(202, { ...failed, status: 'queued', error: null }));

    const retry = await screen.findByRole('button', { name: 'Retry' });
    retry.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('region', { name: 'Upload' })).toBeInTheDocument();
    expect(retry).toHaveFocus();
    expect(retry).toHaveAttribute('aria-disabled', 'true');
    await user.keyboard('{Enter}');
    expect(FakeXhr.instances).toHaveLength(2);

    act(() => FakeXhr.instances[1].respond(202, again));
    expect(await screen.findByText('Waiting for a worker')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'catalog.csv' })).toHaveFocus();
  });

  it('keeps the running import in view when another file is uploaded meanwhile', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000028', filename: 'first.csv' });
    const queued = importFactory({ id: '00000000-0000-4000-8000-000000000033', filename: 'second.csv', status: 'queued', progress: 0 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [running], total: 1, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000028', body: running },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000033', body: queued },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000028' });
    expect(await screen.findByRole('region', { name: 'first.csv' })).toBeInTheDocument();

    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), new File(['sku,name\nA,B\n'], 'second.csv', { type: 'text/csv' }));
    act(() => FakeXhr.instances[0].respond(202, queued));

    expect(await screen.findByRole('region', { name: 'second.csv' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'first.csv' })).toHaveTextContent('Saving products');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000028&import=00000000-0000-4000-8000-000000000033$/);
  });

  it('leaves the URL of the page the user went to alone when the upload ends there', async () => {
    const queued = importFactory({ id: '00000000-0000-4000-8000-000000000034', filename: 'slow.csv', status: 'queued', progress: 0 });
    let listed: (typeof queued)[] = [];
    mockFetch([
      { path: '/api/v1/imports', body: () => ({ items: listed, total: listed.length, page: 1, page_size: 20 }) },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000034', body: queued },
    ]);
    const user = userEvent.setup();
    const { router } = renderImportAndProducts();
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), new File(['sku,name\nA,B\n'], 'slow.csv', { type: 'text/csv' }));
    await act(() => router.navigate('/products'));

    listed = [queued];
    act(() => FakeXhr.instances[0].respond(202, queued));
    await uploadEnded();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);

    // Back on the Import page, the import the upload started is found and followed.
    await act(() => router.navigate('/'));
    expect(await screen.findByRole('region', { name: 'slow.csv' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000034$/);
  });

  it('shows the upload again on return to the Import page, its progress live and its Stop working', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    const { router } = renderImportAndProducts();
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('big.csv'));
    const xhr = FakeXhr.instances[0];
    act(() => xhr.progress(1_000_000, 4_000_000));
    await act(() => router.navigate('/products'));
    act(() => xhr.progress(2_000_000, 4_000_000));

    await act(() => router.navigate('/'));
    const bar = screen.getByRole('region', { name: 'Upload' });
    expect(bar).toHaveTextContent('Uploading big.csv');
    expect(within(bar).getByTestId('upload-percent')).toHaveTextContent('50%');
    act(() => xhr.progress(3_145_728, 4_194_304));
    expect(within(bar).getByTestId('upload-percent')).toHaveTextContent('75%');
    // The drop zone takes no other file while this one uploads.
    const chooser = screen.getByLabelText('Choose a CSV file (.csv or .txt)');
    expect(chooser).toHaveAttribute('aria-disabled', 'true');
    await user.upload(chooser, csv('other.csv'));
    expect(FakeXhr.instances).toHaveLength(1);

    await user.click(within(bar).getByRole('button', { name: 'Stop upload' }));
    expect(await screen.findByText('Upload stopped. Nothing was imported.')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Upload' })).toBeNull();
    expect(screen.getByLabelText('Choose a CSV file (.csv or .txt)')).not.toHaveAttribute('aria-disabled', 'true');
    // Focus does not fall to the page with the Stop button: it waits on the file chooser.
    expect(screen.getByLabelText('Choose a CSV file (.csv or .txt)')).toHaveFocus();
  });

  it('follows the import of an upload that ends after the user came back to the Import page', async () => {
    const queued = importFactory({ id: '00000000-0000-4000-8000-000000000035', filename: 'back.csv', status: 'queued', progress: 0 });
    let listed: (typeof queued)[] = [];
    mockFetch([
      { path: '/api/v1/imports', body: () => ({ items: listed, total: listed.length, page: 1, page_size: 20 }) },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000035', body: queued },
    ]);
    const user = userEvent.setup();
    const { router } = renderImportAndProducts();
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('back.csv'));
    await act(() => router.navigate('/products'));
    await act(() => router.navigate('/'));
    expect(screen.getByRole('region', { name: 'Upload' })).toBeInTheDocument();

    listed = [queued];
    act(() => FakeXhr.instances[0].respond(202, queued));
    await uploadEnded();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000035$/);
    expect(await screen.findByRole('region', { name: 'back.csv' })).toHaveTextContent('Waiting for a worker');
    expect(screen.queryByRole('region', { name: 'Upload' })).toBeNull();
  });

  it('shows on return a refusal that came while the user was on another page, once', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    const { router } = renderImportAndProducts();
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('huge.csv'));
    await act(() => router.navigate('/products'));

    act(() => FakeXhr.instances[0].respond(413, { detail: 'The file is larger than the limit of 1,024 bytes (MAX_UPLOAD_BYTES).' }));
    await uploadEnded();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);
    expect(screen.queryByText(/was rejected/)).toBeNull();

    await act(() => router.navigate('/'));
    const alert = screen.getByText('The upload of huge.csv was rejected.').closest('[role="alert"]');
    expect(alert).toHaveTextContent(
      /^The upload of huge\.csv was rejected\. The file is larger than the limit of 1,024 bytes \(MAX_UPLOAD_BYTES\)\.$/,
    );
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);

    // Shown once: the next visit starts clean.
    await act(() => router.navigate('/products'));
    await act(() => router.navigate('/'));
    expect(screen.getByLabelText('Choose a CSV file (.csv or .txt)')).toBeInTheDocument();
    expect(screen.queryByText(/was rejected/)).toBeNull();
  });

  it('keeps the file of an upload that ended while the user was away for Retry', async () => {
    const queued = importFactory({ id: '00000000-0000-4000-8000-000000000036', filename: 'away.csv', status: 'queued', progress: 0 });
    const failed = { ...queued, status: 'failed' as const, error: 'Disk full' };
    let listed: (typeof queued)[] = [];
    mockFetch([
      { path: '/api/v1/imports', body: () => ({ items: listed, total: listed.length, page: 1, page_size: 20 }) },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000036', body: failed },
    ]);
    const user = userEvent.setup();
    const { router } = renderImportAndProducts();
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('away.csv'));
    await act(() => router.navigate('/products'));
    listed = [queued];
    act(() => FakeXhr.instances[0].respond(202, queued));
    await uploadEnded();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);

    await act(() => router.navigate('/'));
    expect(await screen.findByText(/Reason: Disk full/)).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000036$/);
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(FakeXhr.instances).toHaveLength(2);
    expect((FakeXhr.instances[1].body?.get('file') as File).name).toBe('away.csv');
  });

  it('says nothing on return about an upload stopped while the user was away', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    const { router } = renderImportAndProducts();
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('stopped.csv'));
    await act(() => router.navigate('/products'));
    act(() => getUpload()?.controller.abort());
    await uploadEnded();

    await act(() => router.navigate('/'));
    expect(screen.getByLabelText('Choose a CSV file (.csv or .txt)')).not.toHaveAttribute('aria-disabled', 'true');
    expect(screen.queryByText(/was rejected/)).toBeNull();
    expect(screen.queryByText('Upload stopped. Nothing was imported.')).toBeNull();
  });

  it('keeps the file chooser focusable while the file uploads, and sends one file', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    const chooser = screen.getByLabelText('Choose a CSV file (.csv or .txt)');
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
      screen.getByLabelText('Choose a CSV file (.csv or .txt)'),
      new File(['code\n1\n'], 'bad.csv', { type: 'text/csv' }),
    );
    act(() => FakeXhr.instances[0].respond(422, { detail: 'The header has no "sku" column.' }));
    expect(await screen.findByText('The upload of bad.csv was rejected.')).toBeInTheDocument();
    expect(screen.getByText(/The header has no "sku" column\./)).toBeInTheDocument();
  });

  it("names the rejected file, so the previous file's import shown below is not taken for it", async () => {
    const good = importFactory({ id: '00000000-0000-4000-8000-000000000009', filename: 'good.csv', status: 'completed', progress: 100 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000009', body: good },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('good.csv'));
    act(() => FakeXhr.instances[0].respond(202, { ...good, status: 'queued', progress: 0 }));
    expect(await screen.findByTestId('import-summary')).toBeInTheDocument();

    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('dup.csv'));
    act(() => FakeXhr.instances[1].respond(422, { detail: "Line 1 (header): column 'name' appears twice." }));
    const alert = (await screen.findByText(/^The upload of dup\.csv was rejected\.$/)).closest('[role="alert"]');
    expect(alert).toHaveTextContent(/^The upload of dup\.csv was rejected\. Line 1 \(header\): column 'name' appears twice\.$/);
    expect(screen.getByRole('region', { name: 'good.csv' })).toBeInTheDocument();
  });

  it('refuses a file that is not a CSV before sending it', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup({ applyAccept: false });
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), new File(['x'], 'photo.png', { type: 'image/png' }));
    expect(screen.getByText('photo.png is not a .csv or .txt file.')).toHaveAttribute('role', 'alert');
    expect(FakeXhr.instances).toHaveLength(0);
  });

  it('takes a .txt file, which the API reads as CSV as it does any file', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    const chooser = screen.getByLabelText('Choose a CSV file (.csv or .txt)');
    expect(chooser).toHaveAttribute('accept', '.csv,.txt,text/csv');
    await user.upload(chooser, new File(['sku,name\nA,B\n'], 'small.txt', { type: 'text/plain' }));
    expect(screen.queryByText(/is not a \.csv/)).toBeNull();
    expect(FakeXhr.instances).toHaveLength(1);
    expect((FakeXhr.instances[0].body?.get('file') as File).name).toBe('small.txt');
  });

  it('imports none of several files dropped at once, and says to drop one at a time', async () => {
    mockFetch([{ path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    renderWithProviders(<ImportPanel />);
    fireEvent.drop(screen.getByTestId('drop-zone'), {
      dataTransfer: { files: [csv('first.csv'), csv('second.csv'), csv('third.csv')] },
    });
    expect(screen.getByText('Drop one file at a time: 3 files were dropped, and none was imported.')).toHaveAttribute(
      'role',
      'alert',
    );
    expect(FakeXhr.instances).toHaveLength(0);
  });
});
