"""Rendering results: the JSON contract (model.py) and reviewer-style markdown (markdown.py)."""
