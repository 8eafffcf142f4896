"""Grade infrastructure-as-code written by language models, offline."""

__version__ = "0.2.0"
