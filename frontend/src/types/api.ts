/**
 * Named API types, all taken from the schema generated from the backend's OpenAPI document
 * (`npm run generate:api` rewrites `api-schema.d.ts`), so the UI and the API cannot drift.
 */
import type { components, operations } from './api-schema';

type Schemas = components['schemas'];

export type Product = Schemas['ProductRead'];
export type ProductCreate = Schemas['ProductCreate'];
export type ProductUpdate = Schemas['ProductUpdate'];
export type ProductPage = Schemas['ProductPage'];
export type ProductSort = Schemas['ProductSort'];
export type ProductListQuery = NonNullable<operations['list_products_api_v1_products_get']['parameters']['query']>;
export type DeleteAllResult = Schemas['ProductsDeleted'];
/** The version a product change is based on (`If-Match`): the product's `ETag`. */
export type ProductVersion = NonNullable<
  NonNullable<operations['update_product_api_v1_products__product_id__patch']['parameters']['header']>['if-match']
>;

export type Import = Schemas['ImportRead'];
export type ImportStatus = Import['status'];
export type ImportPage = Schemas['Page_ImportRead_'];

export type Webhook = Schemas['WebhookRead'];
export type WebhookCreate = Schemas['WebhookCreate'];
export type WebhookUpdate = Schemas['WebhookUpdate'];
export type WebhookEvent = WebhookCreate['events'][number];
export type WebhookTestResult = Schemas['WebhookTestResult'];
export type WebhookDelivery = Schemas['DeliveryRead'];
export type WebhookDeliveryPage = Schemas['Page_DeliveryRead_'];
export type Redelivery = Schemas['RedeliveryRead'];
export type WebhookSecretRotation = Schemas['SecretRotation'];

export type DownloadTicket = Schemas['DownloadTicketRead'];

export const WEBHOOK_EVENTS = [
  'import.completed',
  'import.failed',
  'import.cancelled',
  'product.created',
  'product.updated',
  'product.deleted',
  'products.deleted_all',
] as const satisfies readonly WebhookEvent[];

// Fails to compile if the API adds an event this list does not offer.
type MissingEvents = Exclude<WebhookEvent, (typeof WEBHOOK_EVENTS)[number]>;
export const _everyEventListed: [MissingEvents] extends [never] ? true : never = true;
