export { useActiveImport } from './api/get-active-import';
export { ImportPanel } from './components/import-panel';
export { ImportsHistory } from './components/imports-history';
