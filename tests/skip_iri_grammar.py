"""A pytest plugin that runs before the installed ones: ``-p skip_iri_grammar`` in pyproject.toml's
``addopts`` (pytest imports the ``-p`` plugins of the command line and of ``addopts`` before the plugins
installed packages declare, such as nbval, which imports nbformat and so jsonschema).

It applies :func:`iccwc.commands.kernelside.skip_unused_format_checker`, as ``iccwc run`` and its kernels
do: jsonschema then does without ``rfc3987_syntax``, whose import builds an IRI grammar (about 1.2 CPU-s
in every test process: each xdist worker, and the process that starts them) for two string formats no
schema the tests validate uses (``tests/test_execute.py`` checks the schemas). conftest.py is imported
too late for this: nbval has imported jsonschema by then.
"""
from iccwc.commands.kernelside import skip_unused_format_checker

skip_unused_format_checker()
