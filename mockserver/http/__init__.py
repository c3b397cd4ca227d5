"""The HTTP edge: the only code that touches ``flask.request``."""
