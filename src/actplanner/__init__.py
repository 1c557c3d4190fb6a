"""actplanner: planning for Assertive Community Treatment teams."""

__version__ = "0.1.0"
