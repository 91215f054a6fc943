"""Subcommands of `python -m skill`; one module each, discovered by skill.__main__."""
