import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { formatDateTime } from '@/lib/format';
import { importFactory } from '@/testing/factories';
import { ImportProgress } from '../components/import-progress';
import { estimateSecondsLeft } from '../hooks/use-seconds-left';
import { describePhase } from '../components/import-status';

describe('ImportProgress', () => {
  it('shows the phase, bar, percent, rows, speed and time left of a running import', async () => {
    const onCancel = vi.fn();
    render(<ImportProgress item={importFactory({ eta_seconds: 30 })} onCancel={onCancel} />);
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Saving products');
    expect(screen.getByTestId('import-percent')).toHaveTextContent('25%');
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByTestId('import-rows')).toHaveTextContent('125,000 / 500,000');
    expect(screen.getByTestId('import-speed')).toHaveTextContent('50,000');
    expect(screen.getByTestId('import-eta')).toHaveTextContent('about 30 s');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Cancel import' }));
    expect(onCancel).not.toHaveBeenCalled(); // not before it is confirmed
    await user.click(screen.getByRole('button', { name: 'Stop the import' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('gives no speed for an import that ended without applying its file', () => {
    for (const status of ['failed', 'cancelled'] as const) {
      const { unmount } = render(<ImportProgress item={importFactory({ status, phase: status, rows_per_second: 703_426 })} />);
      expect(screen.getByTestId('import-speed')).toHaveTextContent(/^—$/);
      unmount();
    }
  });

  it('shows the bar of an import that ended without applying its file as ended, with nothing applied, not where it stopped', () => {
    for (const status of ['failed', 'cancelled'] as const) {
      const { unmount } = render(<ImportProgress item={importFactory({ status, phase: status, progress: 12 })} />);
      expect(screen.queryByTestId('import-percent')).toBeNull();
      expect(screen.queryByText(/12 ?%/)).toBeNull();
      const bar = screen.getByRole('progressbar');
      expect(bar).toHaveAttribute('aria-valuetext', 'Nothing applied');
      // Its rows were read, not imported (QA: a cancelled card said "Rows processed 400,000 / 400,000").
      expect(screen.getByText('Rows read before it stopped')).toBeInTheDocument();
      expect(screen.queryByText('Rows processed')).toBeNull();
      expect(bar.firstElementChild).toHaveClass('bg-slate-500');
      expect(bar.firstElementChild).toHaveStyle({ width: '100%' });
      unmount();
    }
  });

  it('says how much of a finished import was spent waiting for other imports', () => {
    const finished = {
      status: 'completed' as const,
      started_at: '2025-01-01T10:00:00Z',
      finished_at: '2025-01-01T10:00:30Z',
    };
    const { rerender } = render(<ImportProgress item={importFactory({ ...finished, waited_seconds: 12 })} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent('30 s');
    expect(screen.getByTestId('import-eta')).toHaveTextContent('incl. 12 s waiting for other imports');
    rerender(<ImportProgress item={importFactory({ ...finished, waited_seconds: 0 })} />);
    expect(screen.getByTestId('import-eta')).not.toHaveTextContent('waiting');
  });

  it('says a finished import took less than a second, not 0 s beside its rows per second', () => {
    const item = importFactory({
      status: 'completed',
      phase: 'completed',
      progress: 100,
      processed_rows: 8,
      total_rows: 8,
      rows_per_second: 22,
      started_at: '2025-01-01T10:00:00.000Z',
      finished_at: '2025-01-01T10:00:00.360Z',
    });
    render(<ImportProgress item={item} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent(/^less than a second$/);
  });

  it('asks before cancelling, and keeps importing when told to', async () => {
    const onCancel = vi.fn();
    render(<ImportProgress item={importFactory({ filename: 'big.csv' })} onCancel={onCancel} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Cancel import' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Cancel this import?' });
    expect(dialog).toHaveTextContent('The import of big.csv stops and nothing of it is applied.');
    await user.click(screen.getByRole('button', { name: 'Keep importing' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onCancel).not.toHaveBeenCalled();
  });

  it('shows the time left of the rebuilding phases, after every row was read, from the API', () => {
    const rebuilding = { phase: 'rebuilding: indexes', progress: 60, processed_rows: 500_000, total_rows: 500_000 };
    const { rerender } = render(<ImportProgress item={importFactory({ ...rebuilding, eta_seconds: 42 })} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent('about 42 s');
    rerender(<ImportProgress item={importFactory({ ...rebuilding, eta_seconds: null })} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent('Estimating…');
    rerender(<ImportProgress item={importFactory({ ...rebuilding, eta_seconds: 0.4 })} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent('less than a second');
  });

  it('says it waits for other imports, not that it is estimating, while it waits its turn', () => {
    const waiting = { phase: 'waiting for other imports', eta_seconds: null };
    const { rerender } = render(<ImportProgress item={importFactory(waiting)} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent(/^Waiting for other imports$/);
    // Its turn came: the API estimates again.
    rerender(<ImportProgress item={importFactory({ phase: 'merging', eta_seconds: 30 })} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent('about 30 s');
  });

  it('says when a queued import was queued, and when a started one started', () => {
    const uploaded = '2025-01-01T09:00:00Z';
    const started = '2025-01-01T11:30:00Z';
    const queued = importFactory({ status: 'queued', phase: 'queued', created_at: uploaded, started_at: null });
    const { rerender } = render(<ImportProgress item={queued} />);
    expect(screen.getByText(`Queued ${formatDateTime(uploaded)}`)).toBeInTheDocument();
    expect(screen.queryByText(/^Started/)).toBeNull();

    rerender(<ImportProgress item={{ ...queued, status: 'running', phase: 'reading', started_at: started }} />);
    expect(screen.getByText(`Started ${formatDateTime(started)}`)).toBeInTheDocument();
    expect(screen.queryByText(/^Queued/)).toBeNull();

    // Cancelled before it started: no longer queued.
    rerender(<ImportProgress item={{ ...queued, status: 'cancelled', phase: 'cancelled' }} />);
    expect(screen.getByText(`Uploaded ${formatDateTime(uploaded)}`)).toBeInTheDocument();
    expect(screen.queryByText(/^Queued/)).toBeNull();
  });

  it('says a queued import has not started, not that it is estimating', () => {
    render(<ImportProgress item={importFactory({ status: 'queued', phase: 'queued', progress: 0, eta_seconds: null })} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent(/^Not started yet$/);
  });

  it('says it is waiting, not running, while it is queued or waits its turn, and not how it is checked', () => {
    const queued = importFactory({ status: 'queued', phase: 'queued', progress: 0 });
    const { rerender } = render(<ImportProgress item={queued} connection="polled" />);
    expect(screen.getByTestId('import-status')).toHaveTextContent(/^Queued$/);
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Waiting for a worker');
    // How the page keeps it current tells the person nothing.
    expect(screen.queryByText(/every second/)).toBeNull();

    rerender(<ImportProgress item={importFactory({ phase: 'waiting for other imports' })} connection="polled" />);
    expect(screen.getByTestId('import-status')).toHaveTextContent(/^Waiting$/);
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Waiting for other imports to finish');
    expect(screen.queryByText(/every second/)).toBeNull();

    rerender(<ImportProgress item={importFactory({ phase: 'merging' })} connection="polled" />);
    expect(screen.getByTestId('import-status')).toHaveTextContent(/^Running$/);
  });

  it('says it is estimating while the total or speed is unknown', () => {
    render(<ImportProgress item={importFactory({ total_rows: null, rows_per_second: null, progress: 0 })} />);
    expect(screen.getByTestId('import-eta')).toHaveTextContent('Estimating…');
    expect(screen.getByTestId('import-rows')).toHaveTextContent('125,000');
  });

  it('summarises a completed import with a link to the error report', () => {
    const item = importFactory({
      status: 'completed',
      phase: 'done',
      progress: 100,
      processed_rows: 10,
      total_rows: 10,
      created: 5,
      updated: 2,
      unchanged: 1,
      skipped: 1,
      duplicates_in_file: 1,
      finished_at: '2025-01-01T10:00:04Z',
    });
    render(<ImportProgress item={item} onCancel={() => undefined} />);
    const summary = screen.getByTestId('import-summary');
    expect(summary).toHaveTextContent('Created5');
    expect(summary).toHaveTextContent('Updated2');
    expect(summary).toHaveTextContent('Duplicates in file1');
    expect(screen.getByRole('link', { name: /error report/i })).toHaveAttribute(
      'href',
      `/api/v1/imports/${item.id}/errors.csv`,
    );
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
    expect(screen.getByTestId('import-eta')).toHaveTextContent('3 s');
  });

  it('counts the skipped rows once, in the summary with their report, and not before the import has ended', () => {
    const running = importFactory({ status: 'running', total_rows: 10, processed_rows: 4 });
    const { container, rerender } = render(<ImportProgress item={running} />);
    // Counted when it ends: a 0 now would read as none skipped.
    expect(container).not.toHaveTextContent(/skipped/i);

    const ended = { status: 'completed' as const, phase: 'completed', progress: 100, processed_rows: 10 };
    rerender(<ImportProgress item={{ ...running, ...ended, created: 10 }} />);
    expect(container.textContent?.match(/skipped/gi)).toHaveLength(2); // the count, and "No rows were skipped."
    expect(screen.getByTestId('import-summary')).toHaveTextContent(/Skipped0.*No rows were skipped\.$/);

    rerender(<ImportProgress item={{ ...running, ...ended, created: 7, skipped: 3 }} />);
    const summary = screen.getByTestId('import-summary');
    expect(summary).toHaveTextContent('Skipped3');
    expect(within(summary).getByRole('link', { name: 'Download the error report (3 skipped rows)' })).toHaveAttribute(
      'href',
      `/api/v1/imports/${running.id}/errors.csv`,
    );
    expect(screen.queryByText('Skipped rows')).toBeNull();
  });

  it('warns, with the count in the outcome, when some rows were skipped', () => {
    const item = importFactory({
      status: 'completed',
      progress: 100,
      total_rows: 100_000,
      processed_rows: 100_000,
      created: 25_000,
      skipped: 75_000,
      finished_at: '2025-01-01T10:00:04Z',
    });
    const { rerender } = render(<ImportProgress item={item} />);
    const outcome = screen.getByTestId('import-phase');
    const summary = screen.getByTestId('import-summary');
    expect(outcome).toHaveTextContent(/^Import complete: 25,000 created, 75,000 rows skipped\.$/);
    expect(summary).toHaveClass('bg-amber-50');
    expect(summary).not.toHaveClass('bg-emerald-50');
    expect(screen.getByRole('progressbar').firstElementChild).toHaveClass('bg-amber-500');

    rerender(<ImportProgress item={{ ...item, created: 99_999, skipped: 1 }} />);
    expect(outcome).toHaveTextContent(/^Import complete: 99,999 created, 1 row skipped\.$/);
    expect(summary).toHaveClass('bg-amber-50');

    rerender(<ImportProgress item={{ ...item, created: 100_000, skipped: 0 }} />);
    expect(outcome).toHaveTextContent(/^Import complete: 100,000 created\.$/);
    expect(summary).toHaveClass('bg-emerald-50');
    expect(screen.getByRole('progressbar').firstElementChild).toHaveClass('bg-emerald-600');
  });

  it('announces how an import came out once it ends, in place of its phase', () => {
    const running = importFactory({ total_rows: 2_000 });
    const { rerender } = render(<ImportProgress item={running} />);
    const announced = screen.getByTestId('import-phase');
    expect(announced).toHaveAttribute('aria-live', 'polite');

    const ended = { status: 'completed' as const, phase: 'completed', progress: 100, processed_rows: 2_000 };
    rerender(<ImportProgress item={{ ...running, ...ended, created: 1_998, skipped: 2 }} />);
    expect(announced).toHaveTextContent(/^Import complete: 1,998 created, 2 rows skipped\.$/);

    rerender(<ImportProgress item={{ ...running, ...ended, total_rows: 0, processed_rows: 0 }} />);
    expect(announced).toHaveTextContent(/^Nothing was imported: the file has no data rows, only a header\.$/);

    rerender(<ImportProgress item={{ ...running, status: 'cancelled', phase: 'cancelled' }} />);
    expect(announced).toHaveTextContent(/^The import was cancelled\. Nothing was changed\.$/);
  });

  it('warns, instead of telling a success, when every row was skipped', () => {
    const item = importFactory({ status: 'completed', progress: 100, total_rows: 2, processed_rows: 2, skipped: 2 });
    render(<ImportProgress item={item} />);
    expect(screen.getByTestId('import-phase')).toHaveTextContent(
      /^Nothing was imported: all 2 rows were skipped\. The error report says why\.$/,
    );
    expect(screen.getByTestId('import-summary')).toHaveClass('bg-amber-50');
    expect(screen.getByRole('link', { name: /error report/i })).toHaveAttribute(
      'href',
      `/api/v1/imports/${item.id}/errors.csv`,
    );
  });

  it('counts the rows of the file, not only the skipped ones, when an earlier row of a SKU was replaced', () => {
    const item = importFactory({
      status: 'completed',
      progress: 100,
      total_rows: 3,
      processed_rows: 3,
      skipped: 2,
      duplicates_in_file: 1,
    });
    render(<ImportProgress item={item} />);
    expect(screen.getByTestId('import-phase')).toHaveTextContent(
      'Nothing was imported: 2 of its 3 rows were skipped, and each other row was an earlier row of a SKU whose last row was skipped.',
    );
  });

  it('warns when the file had no data rows', () => {
    render(<ImportProgress item={importFactory({ status: 'completed', progress: 100, total_rows: 0, processed_rows: 0 })} />);
    expect(screen.getByTestId('import-phase')).toHaveTextContent(
      /^Nothing was imported: the file has no data rows, only a header\.$/,
    );
    expect(screen.getByTestId('import-summary')).toHaveClass('bg-amber-50');
    expect(screen.queryByRole('link', { name: /error report/i })).toBeNull();
  });

  it('tells a success when a file imported again changed nothing', () => {
    render(
      <ImportProgress item={importFactory({ status: 'completed', progress: 100, total_rows: 2, unchanged: 2 })} />,
    );
    expect(screen.getByTestId('import-phase')).toHaveTextContent(/^Import complete: 2 unchanged\.$/);
    expect(screen.getByTestId('import-summary')).toHaveTextContent('No rows were skipped.');
    expect(screen.getByTestId('import-summary')).toHaveClass('bg-emerald-50');
  });

  it('shows the failure reason and a Retry button', async () => {
    const onRetry = vi.fn();
    render(
      <ImportProgress
        item={importFactory({ status: 'failed', error: 'The file has no "sku" column.' })}
        onRetry={onRetry}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Reason: The file has no "sku" column.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalled();
  });

  it('tells how an import ended once, keeping its counts and the reason of a failure', () => {
    const ended = { progress: 100, total_rows: 2_000, processed_rows: 2_000, finished_at: '2025-01-01T10:00:04Z' };
    const { container, rerender } = render(
      <ImportProgress item={importFactory({ ...ended, status: 'completed', phase: 'completed', created: 1_998, skipped: 2 })} />,
    );
    expect(container.textContent?.match(/Import complete/g)).toHaveLength(1);
    expect(container).toHaveTextContent('Import complete: 1,998 created, 2 rows skipped.');
    expect(screen.getByTestId('import-summary')).toHaveTextContent('Created1,998');

    rerender(
      <ImportProgress item={importFactory({ ...ended, progress: 12, status: 'failed', phase: 'failed', error: 'Disk full.' })} />,
    );
    expect(container.textContent?.match(/failed/gi)).toHaveLength(2); // the badge, and the alert's sentence
    expect(screen.getByTestId('import-status')).toHaveTextContent(/^Failed$/);
    expect(screen.getByRole('alert')).toHaveTextContent('Reason: Disk full.');

    rerender(<ImportProgress item={importFactory({ ...ended, progress: 12, status: 'cancelled', phase: 'cancelled' })} />);
    expect(container.textContent?.match(/cancelled/gi)).toHaveLength(2); // the badge, and what it did
    expect(screen.getByTestId('import-status')).toHaveTextContent(/^Cancelled$/);
    expect(container).toHaveTextContent('The import was cancelled. Nothing was changed.');
  });

  it('announces that updates failed or went to polling: the messages appear in live regions already on screen', () => {
    const running = importFactory();
    const { rerender } = render(<ImportProgress item={running} connection="live" />);
    const regions = screen.getAllByRole('status');
    rerender(<ImportProgress item={running} connection="polling" updateFailure="Too many requests." />);
    for (const message of [/^Could not check for updates/, /^Live updates unavailable/]) {
      const region = screen.getByText(message).closest('[role="status"]');
      expect(regions).toContain(region);
    }
  });

  it('spaces the connection note from the status badge only when it says something: empty, it takes no room', () => {
    const running = importFactory();
    const { rerender } = render(<ImportProgress item={running} connection="live" />);
    const note = screen.getByTestId('import-connection-note');
    expect(note).toBeEmptyDOMElement();
    // A gap would space even an empty item from the badge.
    expect(note.parentElement?.className).not.toMatch(/\bgap-/);
    expect(note).toHaveClass('not-empty:mr-2');
    rerender(<ImportProgress item={running} connection="polling" />);
    expect(note).toHaveTextContent(/^Live updates unavailable/);
  });
});

describe('progress helpers', () => {
  it("takes the time left from the API's estimate only", () => {
    expect(estimateSecondsLeft({ eta_seconds: 2.5 })).toBe(2.5);
    expect(estimateSecondsLeft({ eta_seconds: null })).toBeNull();
  });

  it('describes phases in words and passes unknown ones through', () => {
    expect(describePhase('validating', 'running')).toBe('Checking rows');
    expect(describePhase('building_index', 'running')).toBe('Building index');
    expect(describePhase('anything', 'queued')).toBe('Waiting for a worker');
  });
});
