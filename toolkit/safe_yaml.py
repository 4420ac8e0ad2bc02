"""Reading YAML files safely: specifications and frameworks are refused, before anything is
built, when they are too large, when their aliases expand past a sane size (a "billion laughs"
document), or when a mapping gives a key twice; text is read as the data files are (UTF-8 with
or without BOM, else GBK/GB18030)."""

from __future__ import annotations

from pathlib import Path

#: the largest YAML file (specification, framework) the toolkit reads; real ones are a few kB
MAX_YAML_BYTES = 2_000_000
#: the largest number of nodes a YAML document may expand to once its aliases are followed
MAX_YAML_NODES = 200_000
#: encodings tried, in order, for text files (the data files' rule: UTF-8, with or without BOM, then GBK/GB18030)
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else as GB18030 (a superset of GBK).

    Returns
    -------
    (str, str)
        The text and the encoding that read it.

    Raises
    ------
    UnicodeDecodeError
        When no encoding of :data:`TEXT_ENCODINGS` reads the bytes.

    Examples
    --------
    >>> decode_text("名称".encode("gbk"))
    ('名称', 'gb18030')
    >>> decode_text(b"name")
    ('name', 'utf-8-sig')
    """
    for enc in TEXT_ENCODINGS[:-1]:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode(TEXT_ENCODINGS[-1]), TEXT_ENCODINGS[-1]


def yaml_expanded_size(text: str) -> int:
    """Number of nodes a YAML document holds once every alias is expanded (a "billion laughs"
    document is tiny but expands to billions). Counted on the composed node graph, so nothing
    is built; a recursive alias counts as unbounded.

    Examples
    --------
    >>> yaml_expanded_size("a: [1, 2]")
    5
    >>> yaml_expanded_size("a: &x [1, 2]\\nb: *x")
    9
    """
    return _expanded_size(compose(text))


def _fast_loader():
    """libyaml's safe loader when PyYAML was built with it (ten times faster), else PyYAML's own."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str):
    """The YAML document's node graph (aliases not expanded, nothing constructed), or None."""
    import yaml

    return yaml.compose(text, Loader=_fast_loader())


def _expanded_size(root) -> int:
    import yaml

    if root is None:
        return 0
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            return MAX_YAML_NODES * 10  # a recursive alias: unbounded
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(v) for v in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        sizes[key] = min(total, MAX_YAML_NODES * 10)
        return sizes[key]

    return size(root)


def yaml_duplicate_keys(text: str) -> list[tuple[str, int, int]]:
    """Keys given twice in one YAML mapping, as (key, first line, repeated line).

    YAML loaders keep the last value of a repeated key without a word, so a second
    ``normalisation:`` pasted at the end of a spec would silently replace the first. The
    specification and framework loaders refuse such files, naming both lines.

    Parameters
    ----------
    text : str
        A YAML document.

    Returns
    -------
    list of (str, int, int)
        In document order; empty when no mapping repeats a key.

    Examples
    --------
    >>> yaml_duplicate_keys("name: a\\nweights:\\n  index: 1\\n  index: 2\\nname: b\\n")
    [('weights.index', 3, 4), ('name', 1, 5)]
    >>> yaml_duplicate_keys("a: 1\\nb: {a: 2}")
    []
    """
    return _duplicate_keys(compose(text))


def _duplicate_keys(root) -> list[tuple[str, int, int]]:
    import yaml

    found: list[tuple[str, int, int]] = []
    seen: set[int] = set()

    def walk(node, path: str) -> None:
        if id(node) in seen:  # an alias: already walked
            return
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for k, v in node.value:
                key = str(k.value) if isinstance(k, yaml.ScalarNode) else None
                here = f"{path}.{key}" if path else str(key)
                walk(v, here)
                if key is None or k.tag == "tag:yaml.org,2002:merge":
                    continue
                if key in first:
                    found.append((here, first[key], k.start_mark.line + 1))
                else:
                    first[key] = k.start_mark.line + 1

    if root is not None:
        walk(root, "")
    return found


def check_yaml_text(text: str, path, what: str, error: type[Exception]) -> None:
    """Refuse, before anything is built, YAML whose aliases expand past :data:`MAX_YAML_NODES`
    (a "billion laughs" document) or that gives a key twice in one mapping; ``error`` names
    ``path`` and the ``what`` (specification, framework).

    Parameters
    ----------
    text : str
    path : str or Path
        Named in the message.
    what : str
    error : exception type

    Returns
    -------
    None

    Examples
    --------
    >>> check_yaml_text("a: 1\\na: 2\\n", "s.yaml", "specification", ValueError)
    Traceback (most recent call last):
    ...
    ValueError: s.yaml: key 'a' is given twice (lines 1 and 2); YAML would keep only the last, so give each key once
    """
    _check_nodes(compose(text), path, what, error)


def _check_nodes(root, path, what: str, error: type[Exception]) -> None:
    if _expanded_size(root) > MAX_YAML_NODES:
        raise error(f"{path}: the {what} expands to more than {MAX_YAML_NODES:,} values through YAML "
                    "aliases (&/*); refused")
    if dup := _duplicate_keys(root):
        key, first, again = dup[0]
        raise error(f"{path}: key {key!r} is given twice (lines {first} and {again}); YAML would keep "
                    "only the last, so give each key once")


def load_checked_yaml(text: str, path, what: str, error: type[Exception]):
    """Parse YAML once, refuse it as :func:`check_yaml_text` does, and build it (``None`` for an
    empty document): one pass of libyaml where PyYAML has it, instead of three pure-Python
    parses (a framework file loads in a tenth of the time).

    Raises ``yaml.YAMLError`` for text that is not YAML, and ``error`` for a refused document.

    Examples
    --------
    >>> load_checked_yaml("a: [1, 2]", "s.yaml", "specification", ValueError)
    {'a': [1, 2]}
    >>> load_checked_yaml("a: 1\\nb: {c: 2, c: 3}", "s.yaml", "specification", ValueError)
    Traceback (most recent call last):
    ...
    ValueError: s.yaml: key 'b.c' is given twice (lines 2 and 2); YAML would keep only the last, so give each key once
    """
    loader = _fast_loader()(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_nodes(root, path, what, error)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def empty_message(path, what: str) -> str:
    """The error for a YAML file that holds nothing: empty, blank, comments only, ``---`` only.

    Examples
    --------
    >>> empty_message("my.yaml", "specification")
    'my.yaml: the specification file is empty (no settings: blank, only comments or only ---); refused rather than run with the built-in defaults. Write its settings, or leave the option out to use the defaults'
    """
    return (f"{path}: the {what} file is empty (no settings: blank, only comments or only ---); refused rather "
            "than run with the built-in defaults. Write its settings, or leave the option out to use the defaults")


def read_yaml_mapping(path: str | Path, what: str, error: type[Exception]) -> dict:
    """Read a YAML file that must hold a mapping; any problem raises ``error`` naming the file.

    The file is refused when it is larger than :data:`MAX_YAML_BYTES` or when its aliases
    expand to more than :data:`MAX_YAML_NODES` nodes (checked before anything is built). Text
    is read as the data files are: UTF-8 (with or without BOM), else GBK/GB18030.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_bytes("name: 测试".encode("gbk"))
    >>> read_yaml_mapping(p, "specification", ValueError)
    {'name': '测试'}
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise error(f"{what} file not found: {path}")
    from .publish.guard import protect

    protect(path)  # an input of the running command: never written over
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(f"{path}: a {what} file of {size:,} bytes is too large (at most {MAX_YAML_BYTES:,})")
        text, _ = decode_text(path.read_bytes())
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: the {what} file is neither UTF-8 nor GBK/GB18030 text") from exc
    if not text.strip():  # blank (tabs included, which YAML would call a syntax error)
        raise error(empty_message(path, what))
    try:
        doc = load_checked_yaml(text, path, what, error)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc})") from exc
    if doc is None:  # never the built-in defaults in its place: the user meant this file to say something
        raise error(empty_message(path, what))
    if not isinstance(doc, dict):
        raise error(f"{path}: a {what} must be a mapping")
    return doc
