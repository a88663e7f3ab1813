export { WebhooksList } from './components/webhooks-list';
