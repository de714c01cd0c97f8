"""The repository's URL is written once, as repository.url in _config.yml, and everything else agrees with it.

* The README's install line is ``pip install "labfns @ git+<repository.url>@main"``.
* The README and the landing page spell the repository (github.com/<owner>/<repo>) and its site
  (<owner>.github.io/<repo>) only that way: a second spelling of either is a link that a fork, or a move,
  would leave pointing at the wrong place. Links to other repositories are not concerned.
* html.baseurl, where it is GitHub Pages' address, is repository.url's.
* The README's "Publishing" section says where the site and the chapters' Colab links live.

The Colab setup cells of the notebooks take the URL from the same place (scripts/sync_colab_cell.py), and
tests/test_notebooks_colab.py checks them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
URL = str(CONFIG["repository"]["url"]).rstrip("/")
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCUMENTS = ["README.md", "book/index.md"]

GITHUB = re.compile(
    r"https?://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?=[/@\s\"'`)>#?]|$)"
)
PAGES = re.compile(r"https?://([A-Za-z0-9-]+)\.github\.io/([A-Za-z0-9_.-]+)")


def owner_repo(url: str = URL) -> tuple[str, str]:
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", url)
    assert match, f"_config.yml: repository.url {url!r} is not https://github.com/<owner>/<repo>"
    return match.group(1), match.group(2)


def pages_url(url: str = URL) -> str:
    owner, repo = owner_repo(url)
    return f"https://{owner.lower()}.github.io/{repo}/"


def test_repository_url_is_a_github_repository():
    owner_repo()
    assert CONFIG["repository"]["branch"] == "main"


def test_readme_install_line():
    lines = re.findall(r'pip install "labfns @ git\+([^"@\s]+)@([^"\s]+)"', README)
    assert lines, 'README.md: no `pip install "labfns @ git+<URL>@main"` line'
    for url, ref in lines:
        assert (url, ref) == (URL, "main"), f"README.md installs labfns from {url}@{ref}, not {URL}@main"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_one_spelling_of_the_repository_and_its_site(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    owner, repo = owner_repo()
    wrong = []
    for match in GITHUB.finditer(text):
        o, r = match.groups()
        if (o.lower() == owner.lower() or r == repo) and f"https://github.com/{o}/{r}" != URL:
            wrong.append(match.group(0))
    for match in PAGES.finditer(text):
        o, r = match.groups()
        if (o.lower() == owner.lower() or r == repo) and f"https://{o}.github.io/{r}/" != pages_url():
            wrong.append(match.group(0))
    assert not wrong, f"{document} spells the repository or its site otherwise than {URL}: {wrong}"


def test_site_address_follows_the_repository():
    base = (CONFIG.get("html") or {}).get("baseurl")
    if base and ".github.io" in base:
        assert base.rstrip("/") + "/" == pages_url(), (
            f"_config.yml: html.baseurl {base} is not GitHub Pages' address for repository.url, {pages_url()}"
        )


def test_readme_says_where_things_live():
    section = README.split("\n## Publishing", 1)
    assert len(section) == 2, "README.md has no '## Publishing' section"
    publishing = section[1].split("\n## ", 1)[0]
    owner, repo = owner_repo()
    for expected in (
        pages_url(),
        f"https://colab.research.google.com/github/{owner}/{repo}/blob/main/",
        "repository.url",
        "scripts/sync_colab_cell.py --ref HEAD",
        "GitHub Actions",
        ".github/workflows/book.yml",
    ):
        assert expected in publishing, f"README.md, Publishing: does not mention {expected}"
