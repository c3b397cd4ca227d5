"""The contract kit: one set of contract tests for the Runway API, run against any target.

Targets: ``inprocess`` (the Flask app on a fake clock), ``server`` (any base URL, e.g.
``runway-mock serve``), ``replay`` (recorded cassettes, no network) and ``live`` (the
real API, opt-in, with a credit budget). See docs/contracts.md.

Modules: ``strategies`` (Hypothesis strategies read from the catalog), ``checks`` (the
named contract checks), ``targets`` (targets, the HTTP helper and the budget guard),
``control`` (the one wrapper of the emulator's control API, shared by ``targets`` and
``fixtures``), ``cassettes`` (recording, scrubbing, replay), ``machine`` (the task state
machine), ``drift`` (``runway-mock drift``) and ``plugin`` (the pytest plugin).
"""
