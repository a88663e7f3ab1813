import type { Import, Product, Webhook, WebhookDelivery } from '@/types/api';

let seq = 1;

export function productFactory(overrides: Partial<Product> = {}): Product {
  const id = seq++;
  return {
    id,
    sku: `SKU-${id}`,
    name: `Product ${id}`,
    description: null,
    is_active: true,
    created_at: '2025-01-01T10:00:00Z',
    updated_at: '2025-01-01T10:00:00Z',
    ...overrides,
  };
}

export function importFactory(overrides: Partial<Import> = {}): Import {
  return {
    id: '3f6c1c52-0d2c-4d8e-9a57-6f1c2a1b9e01',
    filename: 'products.csv',
    status: 'running',
    phase: 'merging',
    file_size: 10_000_000,
    total_rows: 500_000,
    processed_rows: 125_000,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    duplicates_in_file: 0,
    progress: 25,
    rows_per_second: 50_000,
    waited_seconds: 0,
    error: null,
    error_kind: null,
    warnings: [],
    cancel_requested: false,
    eta_seconds: null,
    created_at: '2025-01-01T10:00:00Z',
    started_at: '2025-01-01T10:00:01Z',
    finished_at: null,
    ...overrides,
  };
}

export function webhookFactory(overrides: Partial<Webhook> = {}): Webhook {
  const id = seq++;
  return {
    id,
    url: `https://hooks.test/${id}`,
    events: ['import.completed'],
    enabled: true,
    description: null,
    secret: 'whsec_abcdefghijklmnop',
    disabled_reason: null,
    failing_since: null,
    slow_since: null,
    last_delivery_at: null,
    last_delivery_status_code: null,
    last_delivery_error: null,
    last_delivery_ok: null,
    created_at: '2025-01-01T10:00:00Z',
    updated_at: '2025-01-01T10:00:00Z',
    ...overrides,
  };
}

/** One attempt of a webhook's delivery log: by default a first attempt the receiver took (200). */
export function deliveryFactory(overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  const id = seq++;
  return {
    id,
    webhook_id: 1,
    event_id: `evt-${id}`,
    event_type: 'product.created',
    attempt: 1,
    url: 'https://example.com/hook',
    status_code: 200,
    latency_ms: 9,
    error: null,
    response_excerpt: null,
    created_at: '2025-01-01T10:00:00Z',
    next_retry_at: null,
    ok: true,
    ...overrides,
  };
}
