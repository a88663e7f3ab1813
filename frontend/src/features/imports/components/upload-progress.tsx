import { Button } from '@/components/button';
import { ProgressBar } from '@/components/progress-bar';
import { formatBytes } from '@/lib/format';
import { uploadPercent } from '../api/upload-store';

export function UploadProgress({
  filename,
  loaded,
  total,
  sent,
  onAbort,
}: {
  filename: string;
  loaded: number;
  total: number;
  /** The whole file was sent: the server decides now, and stopping would not undo its import. */
  sent: boolean;
  onAbort: () => void;
}) {
  const percent = uploadPercent({ loaded, total, sent });
  return (
    <section
      aria-label="Upload"
      className="space-y-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5"
    >
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <p className="min-w-0 truncate font-medium text-slate-800">
          Uploading <span className="font-semibold">{filename}</span>
        </p>
        <p className="font-semibold tabular-nums" data-testid="upload-percent">
          {percent}%
        </p>
      </div>
      <ProgressBar value={percent} label={`Upload progress for ${filename}`} />
      <div className="flex items-center justify-between gap-2">
        {/* Only the end of the upload is announced: the bytes sent change on every progress
            event, too often to read out. (A refusal is announced by the page's alert.) The live
            region is on the page from the start, so that its message is read when it appears. */}
        <p className="text-sm text-slate-600 tabular-nums">
          <span aria-live="polite">{sent ? 'Upload finished, starting the import…' : ''}</span>
          {!sent && `${formatBytes(loaded)} of ${formatBytes(total)} sent`}
        </p>
        {!sent && (
          <Button variant="secondary" size="sm" onClick={onAbort}>
            Stop upload
          </Button>
        )}
      </div>
    </section>
  );
}
