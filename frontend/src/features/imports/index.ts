export { useActiveImport } from './api/get-active-import';
export { ImportPanel } from './components/import-panel';
export { ImportsHistory } from './components/imports-history';
export { useImportCompleted } from './hooks/use-import-completed';
export { UploadIndicator } from './components/upload-indicator';
