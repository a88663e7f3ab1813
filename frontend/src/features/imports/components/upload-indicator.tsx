import { Link } from 'react-router-dom';
import { uploadPercent, useUpload } from '../api/upload-store';

/** For the other pages: a file is uploading (the upload outlives the Import page); the link goes
 * back to its progress and its Stop button. */
export function UploadIndicator() {
  const upload = useUpload();
  if (!upload) return null;
  const percent = uploadPercent(upload);
  return (
    <Link
      to="/"
      data-testid="upload-indicator"
      title={`Uploading ${upload.file.name}`}
      aria-label={`Uploading ${upload.file.name}, ${percent}%`}
      className="inline-flex max-w-48 items-center gap-1.5 rounded-md bg-indigo-50 px-2.5 py-1.5 text-xs font-medium text-indigo-800 ring-1 ring-indigo-200 ring-inset hover:bg-indigo-100"
    >
      <span aria-hidden="true" className="size-2 shrink-0 animate-pulse rounded-full bg-indigo-600" />
      <span className="truncate">Uploading {upload.file.name}</span>{' '}
      <span className="tabular-nums">{percent}%</span>
    </Link>
  );
}
