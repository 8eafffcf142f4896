"""Batch runs: work items, a crash-proof parallel runner, the on-disk cache and the leaderboard."""
