"""The Runway API version this project speaks, and this project's own version, in a module
with no dependencies.

The emulator (``runway_mock.config``), the client and the contract kit all import them
from here, so the client stays importable without Flask.
"""

API_VERSION = "2024-11-06"
# This package's version (pyproject.toml says the same; a test checks they agree).
PACKAGE_VERSION = "0.2.0"
