"""Table models, one module per kind of record; each ends in ``TableModel``."""
