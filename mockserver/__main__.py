"""``python -m mockserver`` is the ``runway-mock`` command."""

from runway_mock.cli import main

raise SystemExit(main())
