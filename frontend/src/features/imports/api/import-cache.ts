import type { QueryClient } from '@tanstack/react-query';
import type { Import, ImportPage } from '@/types/api';
import { importKeys } from './query-keys';
import { isActive, isFinished } from './status';

/** The import as last seen (its events and polls keep it current), without asking the API. */
export function getCachedImport(queryClient: QueryClient, id: string): Import | undefined {
  return queryClient.getQueryData<Import>(importKeys.detail(id));
}

/** Whether the import is queued or running as last seen: by its own answer, or, before that
 * came, by the recent imports' (see `useActiveImports`), which pin an import before its card loads. */
export function isKnownActive(queryClient: QueryClient, id: string): boolean {
  const recent = queryClient.getQueryData<ImportPage>(importKeys.recent());
  return isActive(getCachedImport(queryClient, id) ?? recent?.items.find((item) => item.id === id));
}

/**
 * What to keep of the cached import and a newer answer about it: the answer, unless it would take
 * the import back from a final state (a poll sent before the import ended can be answered after
 * its final event).
 */
export function keepFinal(cached: Import | undefined, incoming: Import): Import {
  return cached && isFinished(cached) && isActive(incoming) ? cached : incoming;
}

/**
 * Writes an import into the cache (from an event, or the answer to an upload or a cancel). A
 * final state first cancels the poll in flight, whose older answer would come after it.
 */
export async function storeImport(queryClient: QueryClient, item: Import): Promise<void> {
  const queryKey = importKeys.detail(item.id);
  if (isFinished(item)) await queryClient.cancelQueries({ queryKey, exact: true });
  queryClient.setQueryData<Import>(queryKey, (cached) => keepFinal(cached, item));
}
