"""``python -m govspec``: the same command line as ``govspec``."""

from .cli import entry_point

if __name__ == "__main__":
    entry_point()
