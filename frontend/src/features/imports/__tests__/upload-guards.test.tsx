import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importFactory } from '@/testing/factories';
import { FakeXhr, useFakeXhr } from '@/testing/fake-xhr';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { getUpload } from '../api/upload-store';
import { ImportPanel } from '../components/import-panel';

function csv(name: string): File {
  return new File(['sku,name\nA,B\n'], name, { type: 'text/csv' });
}

/** Whether leaving the page now would make the browser ask first. */
function leavingAsks(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

const NO_IMPORTS = { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } };

describe('an upload in progress', () => {
  useFakeXhr();

  it('makes the browser ask before the tab closes or reloads, only while the file is being sent', async () => {
    mockFetch([NO_IMPORTS]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    expect(leavingAsks()).toBe(false);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('big.csv'));
    expect(leavingAsks()).toBe(true);
    act(() => FakeXhr.instances[0].upload.onload?.());
    // Sent: the server goes on with it whatever the tab does.
    expect(leavingAsks()).toBe(false);
    await act(async () => getUpload()?.controller.abort());
    await waitFor(() => expect(getUpload()).toBeNull());
    expect(leavingAsks()).toBe(false);
  });

  it('says that a file dropped meanwhile was not taken', async () => {
    mockFetch([NO_IMPORTS]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('first.csv'));
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [csv('second.csv')] } });
    expect(
      screen.getByText('second.csv was not taken: another file is uploading. Choose it again once that upload has ended.'),
    ).toHaveAttribute('role', 'alert');
    expect(FakeXhr.instances).toHaveLength(1);

    // Once that upload has ended, the file can be given again: the message is no longer true.
    await act(async () => getUpload()?.controller.abort());
    await waitFor(() => expect(getUpload()).toBeNull());
    expect(screen.queryByText(/second\.csv was not taken/)).toBeNull();
  });

  it('once stopped, says so on the page until the next upload', async () => {
    mockFetch([NO_IMPORTS]);
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('stopped.csv'));
    await user.click(screen.getByRole('button', { name: 'Stop upload' }));
    const note = await screen.findByText('Upload stopped. Nothing was imported.');
    // On the page, not a toast that goes away by itself.
    expect(note).toHaveAttribute('role', 'status');
    expect(note.closest('[data-testid="toast"]')).toBeNull();
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('next.csv'));
    expect(screen.queryByText('Upload stopped. Nothing was imported.')).toBeNull();
  });
});

describe('Retry of a failed import', () => {
  beforeEach(() => {
    FakeXhr.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('asks for a corrected file when the file itself is at fault, instead of sending it again', async () => {
    const error =
      'Line 3: the row starting on this line has a quoted field that is never closed, so the rest of the file cannot be read.';
    const failed = importFactory({ id: '00000000-0000-4000-8000-000000000004', filename: 'quotes.csv', status: 'failed', error, error_kind: 'file' });
    mockFetch([NO_IMPORTS, { path: '/api/v1/imports/00000000-0000-4000-8000-000000000004', body: failed }]);
    const chooserOpened = vi.spyOn(HTMLInputElement.prototype, 'click');
    const user = userEvent.setup();
    renderWithProviders(<ImportPanel />);
    await user.upload(screen.getByLabelText('Choose a CSV file (.csv or .txt)'), csv('quotes.csv'));
    act(() => FakeXhr.instances[0].respond(202, { ...failed, status: 'queued', error: null, error_kind: null }));
    expect(await screen.findByText(/Reason: Line 3/)).toBeInTheDocument();
    expect(screen.getByText('The file needs fixing first: Retry asks for the corrected file.')).toBeInTheDocument();

    chooserOpened.mockClear();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(FakeXhr.instances).toHaveLength(1);
    expect(chooserOpened).toHaveBeenCalledTimes(1);
  });
});

describe('the drop zone', () => {
  it('says that a .txt file is taken as well as a .csv one', () => {
    mockFetch([NO_IMPORTS]);
    renderWithProviders(<ImportPanel />);
    expect(screen.getByText('Drag a CSV file (.csv or .txt) here, or')).toBeInTheDocument();
    expect(screen.getByLabelText('Choose a CSV file (.csv or .txt)')).toHaveAttribute('accept', expect.stringContaining('.txt'));
  });

  it('offers dragging only where a file can be dragged: not on a narrow screen nor a touch screen', () => {
    mockFetch([NO_IMPORTS]);
    renderWithProviders(<ImportPanel />);
    expect(screen.getByText('Drag a CSV file (.csv or .txt) here, or')).toHaveClass('max-sm:hidden', 'pointer-coarse:hidden');
    expect(screen.getByText('Choose a CSV file (.csv or .txt)')).not.toHaveClass('max-sm:hidden');
  });
});
