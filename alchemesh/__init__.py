"""alchemesh: data mesh as code."""

__version__ = "0.1.0"
