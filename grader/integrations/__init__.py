"""Adapters for evaluation frameworks: `inspect_ai` (a scorer) and `promptfoo` (a Python assertion)."""
