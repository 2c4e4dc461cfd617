"""coach: a weekly, evidence-based reflection on client relationships."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coach")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
