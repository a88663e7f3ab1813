/**
 * Why a save may wait and then be refused right now (e.g. an import is writing the catalog):
 * said before the person tries, without stopping them. The polite region stays on the page
 * while there is nothing to say, so a notice that comes later is announced; it takes no room
 * then (`className` spaces the notice itself from what is next to it).
 */
type BusyNoticeProps = {
  notice: string | null;
  testId: string;
  className?: string;
};

export function BusyNotice({ notice, testId, className = '' }: BusyNoticeProps) {
  return (
    <div role="status" data-testid={testId}>
      {notice && (
        <p className={`rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200 ${className}`}>
          {notice}
        </p>
      )}
    </div>
  );
}
