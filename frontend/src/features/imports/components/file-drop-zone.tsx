import { useId, useRef, useState, type DragEvent, type RefObject } from 'react';
import { focusKeepingProps } from '@/components/focus-keeping';

type FileDropZoneProps = {
  onFile: (file: File) => void;
  /** A file is uploading: another is not taken, but the chooser keeps the keyboard focus. */
  pending?: boolean;
  /** Lets a parent open the file chooser (e.g. Retry after a reload). */
  inputRef?: RefObject<HTMLInputElement | null>;
};

/** Choose a CSV (.csv or .txt) with the button (keyboard) or drop it on the zone. */
export function FileDropZone({ onFile, pending = false, inputRef }: FileDropZoneProps) {
  const id = useId();
  const ownRef = useRef<HTMLInputElement>(null);
  const ref = inputRef ?? ownRef;
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<{ message: string; whileUploading?: boolean } | null>(null);
  const [wasPending, setWasPending] = useState(pending);
  if (wasPending !== pending) {
    setWasPending(pending);
    // "Not taken: another file is uploading" is no longer true once that upload has ended.
    if (!pending && problem?.whileUploading) setProblem(null);
  }

  function accept(files: FileList | null) {
    const file = files?.[0];
    if (!file) return;
    // The API reads any file as CSV: a .txt export is taken too.
    if (!/\.(csv|txt)$/i.test(file.name) && file.type !== 'text/csv' && file.type !== 'application/vnd.ms-excel') {
      setProblem({ message: `${file.name} is not a .csv or .txt file.` });
      return;
    }
    setProblem(null);
    onFile(file);
  }

  /** A file given while another uploads is not taken (one upload at a time): say so. */
  function take(files: FileList | null) {
    const file = files?.[0];
    if (!pending) accept(files);
    else if (file) {
      setProblem({
        message: `${file.name} was not taken: another file is uploading. Choose it again once that upload has ended.`,
        whileUploading: true,
      });
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const { files } = event.dataTransfer;
    if (files.length > 1) {
      setProblem({ message: `Drop one file at a time: ${files.length} files were dropped, and none was imported.` });
      return;
    }
    take(files);
  }

  return (
    <div
      onDragOver={(event) => {
        event.preventDefault();
        if (!pending) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="drop-zone"
      className={`flex flex-col items-center gap-3 rounded-lg border-2 border-dashed px-4 py-8 text-center transition-colors ${
        dragging ? 'border-indigo-500 bg-indigo-50' : 'border-slate-300 bg-white'
      } ${pending ? 'opacity-60' : ''}`}
    >
      <svg viewBox="0 0 24 24" className="size-10 text-slate-400" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
        <path strokeLinecap="round" strokeLinejoin="round" d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" />
      </svg>
      {/* Nothing is dragged on a phone or a touch screen: there the button alone says what to do. */}
      <p className="text-sm text-slate-700 max-sm:hidden pointer-coarse:hidden">
        Drag a CSV file (.csv or .txt) here, or
      </p>
      <input
        id={id}
        ref={ref}
        type="file"
        accept=".csv,.txt,text/csv"
        className="peer sr-only"
        {...focusKeepingProps(pending)}
        onChange={(event) => {
          take(event.target.files);
          event.target.value = '';
        }}
      />
      <label
        htmlFor={id}
        className={`inline-flex cursor-pointer items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-xs hover:bg-indigo-700 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600 ${
          pending ? 'pointer-events-none bg-indigo-300' : ''
        }`}
      >
        Choose a CSV file (.csv or .txt)
      </label>
      <p className="text-xs text-slate-600">
        Columns: <code>sku</code>, <code>name</code>, optional <code>description</code>. Existing SKUs are updated.
      </p>
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem.message}
        </p>
      )}
    </div>
  );
}
