"""coach: a weekly, evidence-based reflection on client relationships."""

# A literal, read by the build too: looking it up with importlib.metadata
# costs ~25 ms on every start, a tenth of coach's whole launch.
__version__ = "0.1.0"
