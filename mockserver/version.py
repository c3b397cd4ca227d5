"""The Runway API version this project speaks, in a module with no dependencies.

The emulator (``runway_mock.config``), the client and the contract kit all import it
from here, so the client stays importable without Flask.
"""

API_VERSION = "2024-11-06"
