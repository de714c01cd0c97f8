import pytest

import labfns.book
from labfns import glue


def test_glue_uses_myst_nb_when_installed(monkeypatch):
    calls = []
    monkeypatch.setattr(labfns.book, "_myst_glue", lambda *a, **kw: calls.append((a, kw)))
    glue("n_train", 60000, display=False)
    assert calls == [(("n_train", 60000), {"display": False})]


def test_glue_without_myst_nb_only_shows(monkeypatch, capsys):
    monkeypatch.setattr(labfns.book, "_myst_glue", None)
    assert glue("hidden", 1, display=False) is None
    assert capsys.readouterr().out == ""
    glue("shown", 42)
    assert "42" in capsys.readouterr().out


def test_glue_rejects_bad_names():
    with pytest.raises(ValueError, match="name"):
        glue("not a name", 1)
