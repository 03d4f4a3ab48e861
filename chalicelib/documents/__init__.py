"""Documents context: upload slots, the validating pipeline, file-name rules, limits and
the validators of uploaded files. Other contexts enter through `service.py` only.

`validate_bytes` (in `chalicelib.documents.validation`) is the one entry the pipeline calls;
it is pure (no AWS, no stored state). Heavy parsers (pypdf, lxml, Pillow) are imported inside
the validators that need them, so importing this package costs nothing at API start.
"""
