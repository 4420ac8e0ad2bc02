"""Publishing outputs so that the folder never shows a mix of old and new files.

A run killed at any moment (SIGKILL, a power cut of the process) leaves, on disk and without
any later repair, either the complete previous outputs or the complete new ones. One module per
scheme:

- :mod:`~toolkit.publish.folders` — **a folder of its own** (the index's run folder, a reports
  run folder, a report bundle) is staged whole as a hidden sibling and swapped in with one
  ``renameat2(RENAME_EXCHANGE)`` (Linux), or renamed into place when there was none
  (:func:`write_folder_atomic`, :func:`publish_folder`);
- :mod:`~toolkit.publish.links` — **files sharing a folder** with other outputs (``prepare``'s
  three files in ``data/processed``) are stable relative symbolic links into a generation
  folder reached through one pointer link, and publishing is one ``os.replace`` of the pointer
  (:func:`publish_files`);
- :mod:`~toolkit.publish.journal` — **the commit journal** of :func:`write_many_atomic`: plain
  files (the demo's and the template's pair, which are handed on as they are), and the fallback
  of the two schemes above where there is no ``renameat2`` or no symbolic links; the next run
  into the folder (or :func:`recover`) rolls a killed commit forward;
- :mod:`~toolkit.publish.staging` — **a folder built over a long run** (the reports): a staging
  copy that survives a kill, so the next run resumes (:func:`open_staging`, :func:`publish_staging`);
- :mod:`~toolkit.publish.guard` — **the write guard**: every scheme above first checks that no
  target (nor any file of a folder it replaces) is one of the running command's inputs, declared
  at the command's edge (:func:`protected_inputs`, :func:`check_targets`);
- :mod:`~toolkit.publish.files` — **single files**, written to a temporary file beside the target
  and renamed (:func:`write_atomic`), and the basics the other modules share.

See docs/safety.md. Names are imported lazily (:mod:`toolkit.lazy`). A test that replaces a
function patches the module that defines it (``toolkit.publish.folders.exchange_paths``,
``toolkit.publish.links.symlinks_work``): that is where its callers look it up.
"""

from ..lazy import lazy_attributes

_NAMES = {
    'FAULT_ENV': 'files',
    'atomic_path': 'files',
    'carry_tree': 'files',
    'write_atomic': 'files',
    'JOURNAL_PREFIX': 'journal',
    'recover': 'journal',
    'write_many_atomic': 'journal',
    'AT_FDCWD': 'folders',
    'RENAME_EXCHANGE': 'folders',
    'check_folder_targets': 'folders',
    'exchange_paths': 'folders',
    'publish_folder': 'folders',
    'recover_siblings': 'folders',
    'stage_path': 'folders',
    'write_folder_atomic': 'folders',
    'group_name': 'links',
    'publish_files': 'links',
    'retire_pointer': 'links',
    'symlinks_work': 'links',
    'InputClash': 'guard',
    'argument_inputs': 'guard',
    'check_targets': 'guard',
    'protect': 'guard',
    'protected_inputs': 'guard',
    'open_staging': 'staging',
    'publish_staging': 'staging',
    'resumable_staging': 'staging',
}
_MODULES = ['guard', 'files', 'journal', 'folders', 'links', 'staging']

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
