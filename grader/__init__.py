"""Grade infrastructure-as-code written by language models, offline."""

__version__ = "0.1.0"
