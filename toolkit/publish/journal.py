"""The commit journal: several files replaced all or none (:func:`write_many_atomic`), and the
clean-up of what a killed run left in a folder (:func:`recover`).

Every file is staged beside its target; once all are written a journal naming them is written
(atomically), then they are renamed into place. A run killed during the renames leaves the
journal, and the next run into the folder (or :func:`recover`) rolls the commit forward. It is
the scheme of files meant to be handed on as they are (the demo, the template: plain files), and
the fallback of the other schemes where ``renameat2`` or symbolic links are not available.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from .files import (
    GENERATION_NAME,
    STAGED_NAME,
    kill_at,
    naming,
    process_alive,
    remove_path,
    temp_beside,
)

JOURNAL_PREFIX = ".toolkit-commit."


def write_journal(path: Path, doc) -> None:
    """Write the commit journal ``path`` atomically (a temporary file, flushed to disk, renamed).

    Parameters
    ----------
    path : Path
        ``<folder>/.toolkit-commit.<pid>[.<random>].json``.
    doc : list or dict
        ``[[staged name, target name], ...]`` for files (:func:`write_many_atomic`), or
        ``{"kind": "folder", "staged": ..., "target": ..., "old": ...}`` for a folder
        (:func:`toolkit.publish.folders.publish_folder`'s fallback).

    Returns
    -------
    None

    Examples
    --------
    >>> import json, os, tempfile, pathlib
    >>> j = pathlib.Path(tempfile.mkdtemp()) / f"{JOURNAL_PREFIX}{os.getpid()}.json"
    >>> write_journal(j, [["a.tmp", "a.csv"]]); json.loads(j.read_text())
    [['a.tmp', 'a.csv']]
    """
    tmp = temp_beside(path)
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(doc))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def recover(folder: str | Path, *, locked: bool = False) -> list[Path]:
    """Finish or clean up what a killed run left in ``folder``.

    A commit journal of a dead process (written by :func:`write_many_atomic`, or by the
    fallback of :func:`toolkit.publish.folders.publish_folder`) is rolled forward, so the folder holds the complete
    new set. Staged folders, generations no pointer names and temporary files of dead
    processes are deleted; a dead run's staging of a sibling folder is deleted too. Runs of
    live processes are left alone. With ``locked`` (the caller holds the folder's output lock)
    the name links a killed :func:`toolkit.publish.links.publish_files` made before its pointer moved are removed.

    Parameters
    ----------
    folder : str or Path
    locked : bool
        The caller holds :func:`toolkit.files.output_lock` on ``folder``.

    Returns
    -------
    list of Path
        The files and folders completed.

    Examples
    --------
    >>> import tempfile
    >>> recover(tempfile.mkdtemp())
    []
    """
    folder = Path(folder)
    done: list[Path] = []
    if not folder.is_dir():
        return done
    names = sorted(os.listdir(folder))
    for name in names:
        if not (name.startswith(JOURNAL_PREFIX) and name.endswith(".json")):
            continue
        journal = folder / name
        try:
            pid = int(name[len(JOURNAL_PREFIX):].split(".")[0])
        except ValueError:
            continue
        if process_alive(pid):
            continue
        try:
            doc = json.loads(journal.read_text("utf-8"))
        except (OSError, ValueError):
            journal.unlink(missing_ok=True)  # written atomically, so a damaged one is not ours
            continue
        if isinstance(doc, dict) and doc.get("kind") == "folder":
            done += roll_folder_forward(folder, doc)
        else:
            for tmp, target in doc:
                tmp_path, target_path = folder / tmp, folder / target
                if tmp_path.exists():
                    os.replace(tmp_path, target_path)
                    done.append(target_path)
        journal.unlink(missing_ok=True)
    pointers = {}
    for name in names:
        path = folder / name
        m, g = STAGED_NAME.match(name), GENERATION_NAME.match(name)
        if m and not process_alive(int(m["pid"])):
            remove_path(path)
        elif g and not process_alive(int(g["pid"])):
            pointer = folder / f".{g['group']}.current"
            if pointer not in pointers:
                pointers[pointer] = os.readlink(pointer) if pointer.is_symlink() else None
            if pointers[pointer] != name:
                remove_path(path)
        elif name.startswith(".") and name.endswith(".tmp"):
            parts = name.rsplit(".", 3)  # .<name>.<pid>.<random>.tmp
            if len(parts) == 4 and parts[1].isdigit() and not process_alive(int(parts[1])):
                (folder / name).unlink(missing_ok=True)
    if locked:
        for name in names:
            path = folder / name
            if path.is_symlink() and not path.exists():
                link = os.readlink(path)
                if re.fullmatch(r"\.[^/]+\.current/" + re.escape(name), link):
                    path.unlink()  # made by a run killed before its pointer moved: the name was absent
    return done


def roll_folder_forward(parent: Path, doc: dict) -> list[Path]:
    """Complete a folder swap a killed run journaled (:func:`toolkit.publish.folders.publish_folder`'s
    fallback): the staged folder is renamed into place, the previous one removed.

    Parameters
    ----------
    parent : Path
        The folder holding the journal, the staged and the target folder.
    doc : dict
        The journal: ``{"kind": "folder", "staged": ..., "target": ..., "old": ...}`` (names in
        ``parent``).

    Returns
    -------
    list of Path
        The target, when it was completed; else empty.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / ".run.stage-1-ab").mkdir(); (d / "run").mkdir()
    >>> doc = {"kind": "folder", "staged": ".run.stage-1-ab", "target": "run", "old": ".run.old-1-ab"}
    >>> [p.name for p in roll_folder_forward(d, doc)], sorted(p.name for p in d.iterdir())
    (['run'], ['run'])
    """
    staged, target, old = (parent / doc[k] for k in ("staged", "target", "old"))
    done = []
    if staged.is_dir():
        if target.exists() and not old.exists():
            os.rename(target, old)
        os.rename(staged, target)
        done.append(target)
    remove_path(old)
    return done


def write_many_atomic(writers: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Write several files so that either all are replaced or none is (the commit journal).

    Every file is first written to a temporary path. Only when all writers have succeeded is
    a commit journal written (atomically) naming the staged files; then they are renamed into
    place and the journal is removed. A run killed before the journal leaves the old files;
    a run killed during the renames leaves a journal that :func:`recover` (called by the next
    write into the folder) rolls forward, completing the new set. The files stay plain files
    (the demo's and the template's, which are handed on as they are).
    :func:`toolkit.publish.links.publish_files` and
    :func:`toolkit.publish.folders.write_folder_atomic` close the window between the renames
    where the platform allows; this is what they fall back to.

    Parameters
    ----------
    writers : dict of Path to callable
        Each target file and the function that writes it (given a temporary path).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> paths = write_many_atomic({d / "a.txt": lambda p: p.write_text("A"), d / "b.txt": lambda p: p.write_text("B")})
    >>> sorted(p.name for p in d.iterdir())
    ['a.txt', 'b.txt']
    """
    from .guard import check_targets

    check_targets(files=list(writers))  # never over one of the command's inputs
    staged: list[tuple[Path, Path]] = []
    journal: Path | None = None
    for folder in {Path(t).parent for t in writers}:
        recover(folder)
    try:
        for target, writer in writers.items():
            target = Path(target)
            with naming(target.parent):
                tmp = temp_beside(target)
                staged.append((tmp, target))
                writer(tmp)
        folders = {t.parent for _, t in staged}
        if len(folders) == 1 and len(staged) > 1:
            folder = folders.pop()
            journal = folder / f"{JOURNAL_PREFIX}{os.getpid()}.json"
            with naming(folder):
                write_journal(journal, [[tmp.name, target.name] for tmp, target in staged])
        for i, (tmp, target) in enumerate(staged):
            with naming(target.parent):
                os.replace(tmp, target)
            if i == 0:
                kill_at("journal:renamed-one")
        return [t for _, t in staged]
    finally:
        if journal is not None:
            journal.unlink(missing_ok=True)
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()

