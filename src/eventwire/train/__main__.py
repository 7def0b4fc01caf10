"""``python -m eventwire.train``: see :mod:`eventwire.train.cli`."""
from eventwire.train.cli import main

raise SystemExit(main())
