import { WebhooksList } from '@/features/webhooks';
import { PageHeader } from './page-header';

export function WebhooksRoute() {
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Tell other systems about imports and product changes. Each event is a signed POST."
      />
      <WebhooksList />
    </>
  );
}
