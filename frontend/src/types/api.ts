/**
 * Named API types. PROVISIONAL: written from the HTTP contract until the backend's OpenAPI
 * schema has the endpoints; then these become aliases of the generated `api-schema.d.ts`.
 */

export type Page<T> = { items: T[]; total: number; page: number; page_size: number };

export type Product = {
  id: number;
  sku: string;
  name: string;
  description: string | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
};
export type ProductCreate = { sku: string; name: string; description?: string | null; is_active?: boolean };
export type ProductUpdate = Partial<ProductCreate>;
export type ProductPage = Page<Product>;
export type DeleteAllResult = { deleted: number };

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type Import = {
  id: string;
  filename: string;
  status: ImportStatus;
  phase: string;
  file_size?: number;
  total_rows: number | null;
  processed_rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  duplicates_in_file: number;
  progress: number;
  rows_per_second: number | null;
  error: string | null;
  warnings: string[];
  cancel_requested?: boolean;
  eta_seconds?: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
};
export type ImportPage = Page<Import>;

export type Webhook = {
  id: number;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  secret: string;
  disabled_reason?: string | null;
  failing_since?: string | null;
  created_at: string;
  updated_at: string;
  last_delivery_at?: string | null;
  last_delivery_status_code?: number | null;
  last_delivery_error?: string | null;
  last_delivery_ok?: boolean | null;
};
export type WebhookCreate = { url: string; events: string[]; enabled?: boolean; description?: string | null };
export type WebhookUpdate = Partial<WebhookCreate>;
export type WebhookTestResult = {
  ok: boolean;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
  response_excerpt: string | null;
};
export type WebhookDelivery = {
  id: number;
  event_id: string;
  event_type: string;
  attempt: number;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
  response_excerpt: string | null;
  created_at: string;
  next_retry_at: string | null;
};
export type WebhookDeliveryPage = Page<WebhookDelivery>;

export const WEBHOOK_EVENTS = [
  'import.completed',
  'import.failed',
  'product.created',
  'product.updated',
  'product.deleted',
  'products.deleted_all',
] as const;
