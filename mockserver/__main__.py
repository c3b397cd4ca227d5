"""``python -m mockserver`` is the ``runway-mock`` command."""

from mockserver.cli import main

raise SystemExit(main())
