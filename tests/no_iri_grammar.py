"""A pytest plugin that ``make test`` loads first (``-p tests.no_iri_grammar``): no process of the
suite compiles jsonschema's RFC 3987 grammar.

The nbval plugin imports nbformat, and nbformat jsonschema, in every pytest process (the controller
and each xdist worker). jsonschema imports ``rfc3987_syntax`` when it is installed (jupyter-events
requires it), and that module builds an Earley parser of the RFC 3987 grammar on import: 1.8 CPU-s
of each process's start, before any test. The parser serves only jsonschema's ``iri`` and
``iri-reference`` format checks, which neither nbformat, nbval nor the toolkit use (the toolkit's own
processes avoid the import for the same reason: ``toolkit/reports/render.py``,
``toolkit/studio/page.py``). Marked absent, the module is skipped by jsonschema as where it is not
installed. Loaded through ``-p`` because plugins load before any conftest.py.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
