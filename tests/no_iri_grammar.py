"""A pytest plugin that ``make test`` loads first (``-p tests.no_iri_grammar``): no pytest process
(the controller, each xdist worker) compiles jsonschema's RFC 3987 grammar.

The nbval plugin imports nbformat, and nbformat jsonschema, in every pytest process (the controller
and each xdist worker). jsonschema imports ``rfc3987_syntax`` when it is installed (jupyter-events
requires it), and that module builds an Earley parser of the RFC 3987 grammar on import: 1.8 CPU-s
of each process's start, before any test. The parser serves only jsonschema's ``iri`` and
``iri-reference`` format checks, which neither nbformat, nbval nor the toolkit use (the reports' and the
studio's kernels never import jsonschema — ``toolkit/reports/render.py``, ``toolkit/studio/page.py`` — and
the Voilà server refuses the module itself, ``toolkit.studio.serve.SERVER_SKIPS``; a subprocess of a test
that imports nbformat, papermill or nbconvert still compiles it). Marked absent, the module is skipped
by jsonschema as where it is not installed. Loaded through ``-p`` because plugins load before any conftest.py.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
