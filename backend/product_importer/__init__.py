"""Product Importer: load, browse and manage huge product catalogs."""

__version__ = "0.1.0"
