"""Numbers for the book's prose (every chapter): myst-nb's ``glue`` where it is installed, else a stand-in.

A chapter puts a computed number into its text with ``glue("name", value, display=False)`` in a code cell
and ``{glue:text}`name``` in its Markdown, so that no number is typed by hand. myst-nb, which does that,
belongs to the book's build; Colab does not have it, and there the text is not rebuilt anyway. So there
``glue`` only shows the value (when ``display=True``) and the chapter runs on.
"""

from __future__ import annotations

try:
    from myst_nb import glue as _myst_glue
except ImportError:  # Colab, or any Jupyter without the book's tools
    _myst_glue = None

__all__ = ["glue"]


def glue(name: str, value, display: bool = True):
    """Record ``value`` under ``name`` for ``{glue:text}`name``` in the chapter's text (myst-nb's glue)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python-identifier-like string, got {name!r}")
    if _myst_glue is not None:
        return _myst_glue(name, value, display=display)
    if display:
        from IPython.display import display as show

        show(value)
    return None
