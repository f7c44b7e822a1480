"""``python -m retrench.cli ARGS``: the same as the ``retrench`` command."""

from retrench.cli import main

main()
