import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error';

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
        // Client errors (4xx) will not fix themselves; retry network and server errors once.
        retry: (failureCount, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 1,
      },
      mutations: { networkMode: 'always', retry: false },
    },
  });
}
