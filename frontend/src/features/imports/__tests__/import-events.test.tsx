import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ImportPanel } from '../components/import-panel';

/** A stand-in for the browser's EventSource that the test drives by hand. */
class FakeEventSource {
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readonly url: string;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, Set<(event: MessageEvent<string>) => void>>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.get(type)?.delete(listener);
  }

  close() {
    this.readyState = 2;
  }

  open() {
    this.readyState = 1;
    this.onopen?.();
  }

  emit(type: string, data: unknown) {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data) });
    this.listeners.get(type)?.forEach((listener) => listener(event));
  }
}

describe('ImportPanel live updates', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('renders each progress event from the stream, then the final summary, and closes it', async () => {
    const first = importFactory({ id: 'live-1', filename: 'live.csv', progress: 10, processed_rows: 50_000 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/live-1', body: first },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=live-1' });
    expect(await screen.findByTestId('import-percent')).toHaveTextContent('10%');

    const source = FakeEventSource.instances.at(-1)!;
    expect(source.url).toBe('/api/v1/imports/live-1/events');
    act(() => {
      source.open();
      source.emit('progress', { ...first, phase: 'validating', progress: 40, processed_rows: 200_000 });
    });
    expect(screen.getByTestId('import-percent')).toHaveTextContent('40%');
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Checking rows');
    expect(screen.getByTestId('import-rows')).toHaveTextContent('200,000 / 500,000');

    act(() => {
      source.emit('completed', {
        ...first,
        status: 'completed',
        phase: 'completed',
        progress: 100,
        processed_rows: 500_000,
        created: 499_000,
        duplicates_in_file: 1_000,
        finished_at: '2025-01-01T10:00:11Z',
      });
    });
    expect(screen.getByTestId('import-summary')).toHaveTextContent('Created499,000');
    expect(screen.getByTestId('import-percent')).toHaveTextContent('100%');
    expect(source.readyState).toBe(2);
  });

  it('says it is checking for updates when the stream breaks (polling fallback)', async () => {
    const running = importFactory({ id: 'live-2', filename: 'poll.csv' });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/live-2', body: running },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=live-2' });
    await screen.findByTestId('import-percent');
    act(() => FakeEventSource.instances.at(-1)!.onerror?.());
    expect(screen.getByText('Checking for updates…')).toBeInTheDocument();
  });
});
