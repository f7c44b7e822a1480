"""``python -m retrench.cli``: the ``retrench`` command."""

from retrench.cli import main

main()
