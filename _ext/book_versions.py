"""Sphinx extension: the software versions on the landing page, read from the environment that builds it.

The landing page writes ``{{ python_version }}``, ``{{ torch_version }}`` and so on (MyST substitutions);
this extension defines them when the build starts, from the installed packages' metadata, so the page
never states a version that someone typed. ``make book`` and ``make execute`` use the same environment
(``.venv``, made from requirements.txt), so these are also the versions that produced the stored outputs;
tests/test_site_browser.py checks that the built page shows the versions requirements.txt pins.
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

# substitution name -> distribution name
PACKAGES = {
    "torch_version": "torch",
    "torchvision_version": "torchvision",
    "numpy_version": "numpy",
    "pandas_version": "pandas",
    "matplotlib_version": "matplotlib",
    "sklearn_version": "scikit-learn",
    "jupyter_book_version": "jupyter-book",
    "labfns_version": "labfns",
}


def versions() -> dict[str, str]:
    """{substitution name: version} for Python and each package in PACKAGES ("not installed" if missing)."""
    out = {"python_version": platform.python_version()}
    for name, dist in PACKAGES.items():
        try:
            out[name] = version(dist)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _add_substitutions(app, config) -> None:
    # config-inited runs before myst-parser reads its configuration (builder-inited).
    config.myst_substitutions = {**(config.myst_substitutions or {}), **versions()}


def setup(app):
    app.connect("config-inited", _add_substitutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
