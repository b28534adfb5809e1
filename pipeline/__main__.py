"""`python -m pipeline …` is the same as the `lahir` command."""

from pipeline.cli import main

main()
