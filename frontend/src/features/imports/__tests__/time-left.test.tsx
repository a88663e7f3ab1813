import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importFactory } from '@/testing/factories';
import { advance, fakeClock, realClock } from '@/testing/test-utils';
import { ImportProgress } from '../components/import-progress';

describe('ImportProgress time left', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('counts down between updates, never below "a moment", and starts again from each update', async () => {
    const item = importFactory({ status: 'running', eta_seconds: 4 });
    const { rerender } = render(<ImportProgress item={item} />);
    const eta = screen.getByTestId('import-eta');
    expect(eta).toHaveTextContent('about 4 s');

    await advance(1_000);
    expect(eta).toHaveTextContent('about 3 s');
    await advance(10_000);
    expect(eta).toHaveTextContent('a moment');
    // Nothing left to count: the clock stops ticking for it.
    expect(vi.getTimerCount()).toBe(0);

    rerender(<ImportProgress item={{ ...item, processed_rows: 400_000, eta_seconds: 9 }} />);
    expect(eta).toHaveTextContent('about 9 s');
    await advance(2_000);
    expect(eta).toHaveTextContent('about 7 s');
  });

  it('stops counting, and says the time left is not known, while updates are lost or paused', async () => {
    const item = importFactory({ status: 'running', eta_seconds: 60 });
    const { rerender } = render(<ImportProgress item={item} connection="polling" />);
    const eta = screen.getByTestId('import-eta');
    await advance(2_000);
    expect(eta).toHaveTextContent('about 58 s');

    rerender(<ImportProgress item={item} connection="polling" updateFailure="The server could not be reached." />);
    expect(eta).toHaveTextContent('Not known until updates resume');
    await advance(5_000);
    expect(vi.getTimerCount()).toBe(0);

    rerender(<ImportProgress item={item} connection="paused" />);
    expect(screen.getByText(/^Updates paused/)).toBeInTheDocument();
    expect(eta).toHaveTextContent('Not known until updates resume');
    expect(vi.getTimerCount()).toBe(0);

    // Updates again: the count goes on from the last update's estimate.
    rerender(<ImportProgress item={{ ...item, eta_seconds: 40 }} connection="live" />);
    expect(eta).toHaveTextContent('about 40 s');
    await advance(1_000);
    expect(eta).toHaveTextContent('about 39 s');
  });

  it('gives no time left while it is being cancelled: it will not run its course', async () => {
    const item = importFactory({ status: 'running', progress: 70, eta_seconds: 12 });
    const { rerender } = render(<ImportProgress item={item} onCancel={() => {}} />);
    const eta = screen.getByTestId('import-eta');
    expect(eta).toHaveTextContent('about 12 s');

    // Asked to stop, before the API has said it will.
    rerender(<ImportProgress item={item} onCancel={() => {}} isCancelling />);
    expect(eta).toHaveTextContent(/^Stopping…$/);

    // The API still estimates the time the whole file would take.
    rerender(<ImportProgress item={{ ...item, cancel_requested: true, eta_seconds: 11 }} onCancel={() => {}} />);
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Cancelling…');
    expect(eta).toHaveTextContent(/^Stopping…$/);
    expect(vi.getTimerCount()).toBe(0);
    await advance(3_000);
    expect(eta).toHaveTextContent(/^Stopping…$/);
  });

  it('does not count once the import has ended', async () => {
    const item = importFactory({ status: 'completed', eta_seconds: 4, finished_at: '2025-01-01T10:00:31Z' });
    render(<ImportProgress item={item} />);
    await advance(3_000);
    expect(screen.getByTestId('import-eta')).toHaveTextContent('30 s');
  });
});

describe('ImportProgress of a restarted import', () => {
  it('says it was restarted after its worker stopped, and not before', () => {
    const { rerender } = render(<ImportProgress item={importFactory({ status: 'running', attempts: 1 })} />);
    expect(screen.queryByTestId('import-restarted')).toBeNull();
    rerender(<ImportProgress item={importFactory({ status: 'running', attempts: 2 })} />);
    expect(screen.getByTestId('import-restarted')).toHaveTextContent(
      'Restarted (attempt 2): the worker running it stopped, and it started over.',
    );
  });
});
