"""The order ``make test`` hands files to its workers: the slow files first (tests/conftest.py's
``SLOW_FIRST``), which holds only while the list names files that exist and the Makefile keeps
xdist from re-sorting the files by their number of tests."""

from __future__ import annotations

import re

from .conftest import ROOT, SLOW_FIRST


def test_every_slow_first_file_exists_once():
    assert len(set(SLOW_FIRST)) == len(SLOW_FIRST)
    for path in SLOW_FIRST:
        assert (ROOT / path).is_file(), f"{path} is in SLOW_FIRST but does not exist"


def test_make_test_keeps_the_collection_order(request):
    recipe = re.search(r"^test:.*\n\t(.+)$", (ROOT / "Makefile").read_text("utf-8"), re.M).group(1)
    assert "--dist loadfile" in recipe and "--no-loadscope-reorder" in recipe, recipe
    # this session's order: the files of SLOW_FIRST that were collected come first, in its order
    files = list(dict.fromkeys(item.nodeid.split("::", 1)[0] for item in request.session.items))
    first = [f for f in SLOW_FIRST if f in files]
    assert files[:len(first)] == first
