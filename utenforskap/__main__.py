"""``python -m utenforskap``: the command line."""

from .cli import run

run()
