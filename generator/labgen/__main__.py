"""``python -m labgen``."""

from .cli import main

main()
