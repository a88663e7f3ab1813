export { DeleteAllProducts } from './components/delete-all-products';
export { ExportProductsLink } from './components/export-products-link';
export { NewProductButton } from './components/new-product-button';
export { ProductsFilters } from './components/products-filters';
export { ProductsTable } from './components/products-table';
export { productKeys } from './api/query-keys';
export { useCatalogIsEmpty } from './hooks/use-catalog-is-empty';
