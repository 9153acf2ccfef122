"""The tabs of the Catalog page, one module each."""
