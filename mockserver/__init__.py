"""runway-mock: an offline, faithful emulator of Runway's developer API."""

from mockserver.app import create_app

__all__ = ["create_app"]
__version__ = "0.1.0"
