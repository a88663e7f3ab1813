export const webhookKeys = {
  all: ['webhooks'] as const,
  list: () => ['webhooks', 'list'] as const,
  /** The last version of a webhook this tab saved (no query of its own: set on each save). */
  savedHere: (id: number) => ['webhooks', 'saved-here', id] as const,
  deliveries: (webhookId: number) => ['webhooks', 'deliveries', webhookId] as const,
  redeliveries: (webhookId: number) => ['webhooks', 'redeliver', webhookId] as const,
  deliveriesPage: (webhookId: number, page: number, pageSize: number) =>
    ['webhooks', 'deliveries', webhookId, { page, pageSize }] as const,
};
