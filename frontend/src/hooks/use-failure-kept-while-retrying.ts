import { useState } from 'react';

type ListResult = {
  error: Error | null;
  isFetching: boolean;
  isPlaceholderData: boolean;
  isSuccess: boolean;
};

/**
 * The failure to load a list (`key`: which one), kept while it is asked for again. A query that
 * never had an answer counts as loading again on each retry: its error goes until the answer, so
 * the previous search's rows (kept as placeholder) or a spinner stood in for it, every few
 * seconds while the server was away, and the Retry button went with the keyboard focus on it.
 * Null once the list has loaded, or when it is not being asked for again.
 */
export function useFailureKeptWhileRetrying(key: string, result: ListResult): Error | null {
  const [kept, setKept] = useState<{ key: string; error: Error } | null>(null);
  if (result.error && (kept?.key !== key || kept.error !== result.error)) setKept({ key, error: result.error });
  if (kept?.key === key && result.isSuccess && !result.isPlaceholderData) setKept(null);
  if (result.error) return result.error;
  return kept?.key === key && result.isFetching ? kept.error : null;
}
