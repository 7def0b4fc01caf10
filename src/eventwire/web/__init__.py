"""The web app: ``eventwire serve`` (FastAPI JSON API + HTML pages over one database). See docs/web.md."""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201
    """Build the FastAPI app (see :func:`eventwire.web.app.create_app`); imported lazily."""
    from eventwire.web.app import create_app as _create

    return _create(*args, **kwargs)
