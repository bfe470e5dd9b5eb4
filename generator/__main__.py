"""`python -m generator` is the `satire` command."""

from generator.cli import run

run()
