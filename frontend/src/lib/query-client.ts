import { QueryClient } from '@tanstack/react-query';
import { isWorthRetryingSoon } from './api-error';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Send requests even when the browser says it is offline: they fail at once with "The
      // server could not be reached" instead of waiting, paused, for the network (a form would
      // spin with its Cancel disabled, then save silently when the network returned).
      queries: {
        networkMode: 'always',
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        // Once, for a failure that may pass soon (see `isWorthRetryingSoon`); a 4xx will not fix itself.
        retry: (failureCount, error) => isWorthRetryingSoon(error) && failureCount < 1,
      },
      mutations: { networkMode: 'always', retry: false },
    },
  });
}
