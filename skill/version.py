"""The release of this package, read by /healthz and the package command."""

__version__ = "0.2.0"
