"""The book's equation numbers carry a letter, (B4.2), so that they cannot be mistaken for ISLR2's own
numbers, such as its (4.5), cited on the same page.

One setting, ``math_eqref_format`` in _config.yml (``"(B{number})"``): Sphinx uses it for every reference
(``{eq}`label```), and this extension makes the number printed beside each equation use the same format
(Sphinx's HTML writer prints ``(4.2)`` there whatever the format). scripts/reader_copies.py reads the same
setting for the reader copies' ``\\tag{B4.2}`` and references.
"""

from __future__ import annotations

import sphinx.ext.mathjax as mathjax
from sphinx.util.math import get_node_equation_number


def equation_label(number: str, eqref_format: str | None) -> str:
    """What stands inside the parentheses beside an equation: ``B4.2`` for ``(B{number})`` and ``4.2``."""
    text = (eqref_format or "({number})").format(number=number)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _numbered(writer, node) -> str:
    return equation_label(get_node_equation_number(writer, node), writer.builder.config.math_eqref_format)


def setup(app):
    mathjax.get_node_equation_number = _numbered  # the name html_visit_displaymath looks up when it runs
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
