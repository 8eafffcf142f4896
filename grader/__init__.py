"""Grade infrastructure-as-code written by language models, offline.

Python API (docs/api.md): `grader.grade(path | Task, rubric=None) -> Result`, `grader.make_task(...)`.
"""

__version__ = "0.2.0"

__all__ = ["InputError", "Result", "Task", "__version__", "grade", "make_task"]


def __getattr__(name: str):
    # Lazy, so `import grader` stays cheap and the CLI does not load the API to print --version.
    if name == "grade":  # the module grader/grade.py, callable as grader.api.grade
        import importlib

        return importlib.import_module(f"{__name__}.grade")
    if name in ("make_task", "Result"):
        from . import api

        return getattr(api, name)
    if name in ("Task", "InputError"):
        from .ingest import task

        return getattr(task, name)
    raise AttributeError(name)
