"""The Draw a digit page (book/16_draw_a_digit.ipynb) in headless Chromium, offline.

(a) The page's JavaScript forward pass gives labfns.predict's probabilities, from the same exported weights,
    on the 100 test digits stored with them (largest absolute difference ≤ 1e-4), and the same hidden
    activations; the stored digits are MNIST's first 100 test digits.
(b) A single vertical stroke drawn with the mouse is read as a 1, an ellipse as a 0; the 28×28 input the page shows is prepared
    as MNIST's digits were (longer side of the ink 20 pixels, centre of mass on pixel (14, 14)).
(c) The test digits shown by the "Show me a test digit" button are classified as labfns classifies them.
(d) At a phone's width the widget fits without sideways scrolling, and a finger (touch events) draws
    instead of scrolling the page.
(e) For a keyboard and a screen reader: the pad is reached with Tab and drawn on with the arrow keys and
    Space (a vertical stroke is read as 1), Delete clears it; every control has an accessible name and a
    visible keyboard focus; the network's answer reaches a polite live region, at most about once a second
    while a stroke goes on; axe-core finds nothing serious or critical on the page with the widget drawn on.
Also: the page works opened straight from disk (file://), and says so where JavaScript is off.
Screenshots go to _build/screenshots/16_draw_a_digit-*.png. Needs the built site (`make book`).
"""

from __future__ import annotations

import math

import pytest
import torch

import labfns

pytest.register_assert_rewrite("browser", "axe_check")
from axe_check import blocking, describe, run_axe  # noqa: E402
from browser import CHROMIUM_ARGS, DESKTOP, PHONE, SCREENSHOTS  # noqa: E402, F401

pytest_plugins = ["browser"]  # its fixtures: site, browser, open_page

DOC = "book/16_draw_a_digit"
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def exported(site):
    """The weights and digits the built page loads, read with labfns, and labfns' answers for them."""
    path = site / "draw_digit" / "mnist_net.js"
    assert path.exists(), f"{path} missing: execute book/16_draw_a_digit.ipynb, then rebuild (make book)"
    saved = labfns.load_weights_js(path)
    model = labfns.MNISTNet().eval()
    model.load_state_dict(saved["state_dict"])
    probs = labfns.predict(model, saved["digits"])
    return {"model": model, "digits": saved["digits"], "labels": saved["labels"], "probs": probs}


def _ready(page):
    page.wait_for_selector("#draw-digit.dd-ready", timeout=15_000)
    return page.locator("#draw-digit")


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"16_draw_a_digit-{name}.png", full_page=False)


def _show_widget(page, part="#draw-digit"):
    """Scroll the widget (or a part of it: on a phone the whole is taller than the screen) to mid-screen."""
    page.locator(part).scroll_into_view_if_needed()
    page.evaluate("s => document.querySelector(s).scrollIntoView({block: 'center'})", part)


JS_FORWARD_ALL = """() => {
    const out = {probs: [], hidden1: [], hidden2: [], n: window.drawDigit.nDigits};
    for (let i = 0; i < out.n; i++) {
        const r = window.drawDigit.forward(window.drawDigit.testDigit(i));
        out.probs.push(Array.from(r.probs));
        out.hidden1.push(Array.from(r.hidden[0]));
        out.hidden2.push(Array.from(r.hidden[1]));
    }
    return out;
}"""


def test_forward_pass_matches_labfns(open_page, exported):
    page, watch = open_page(DOC)
    _ready(page)
    js = page.evaluate(JS_FORWARD_ALL)
    assert js["n"] == len(exported["digits"]) == 100

    probs = torch.tensor(js["probs"], dtype=torch.float64)
    diff = (probs - exported["probs"].double()).abs().max().item()
    assert diff <= TOLERANCE, f"JavaScript and labfns.predict differ by up to {diff:.2e} (> {TOLERANCE})"

    model, x = exported["model"], exported["digits"].reshape(-1, 784)
    with torch.no_grad():
        a1 = torch.relu(model.fc1(x))
        a2 = torch.relu(model.fc2(a1))
    for name, ours in (("hidden1", a1), ("hidden2", a2)):
        theirs = torch.tensor(js[name], dtype=torch.float64)
        d = (theirs - ours.double()).abs().max().item()
        assert d <= 1e-3 * max(1.0, ours.abs().max().item()), f"{name}: JavaScript differs by up to {d:.2e}"

    test_x, test_y = labfns.load_mnist("test")
    assert torch.equal(exported["digits"], test_x[:100]), (
        "the page's digits are not MNIST's first 100 test digits"
    )
    assert torch.equal(exported["labels"], test_y[:100])
    watch.assert_clean()


PAGE_INPUT = """() => {
    const x = window.drawDigit.input();
    if (!x) return null;
    let lo = 1, hi = 0, mass = 0, mr = 0, mc = 0, r0 = 28, r1 = -1, c0 = 28, c1 = -1;
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) {
        const v = x[28 * r + c];
        lo = Math.min(lo, v); hi = Math.max(hi, v);
        if (v > 0) { r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c); }
        mass += v; mr += v * r; mc += v * c;
    }
    return {lo, hi, height: r1 - r0 + 1, width: c1 - c0 + 1, row: mr / mass, col: mc / mass};
}"""


def _check_mnist_like(page):
    x = page.evaluate(PAGE_INPUT)
    assert x is not None, "the page shows no input after drawing"
    assert 0 <= x["lo"] and x["hi"] <= 1, x
    assert max(x["height"], x["width"]) == 20, f"the ink's longer side is not 20 pixels: {x}"
    assert abs(x["row"] - 14) <= 0.5 and abs(x["col"] - 14) <= 0.5, f"centre of mass not at (14, 14): {x}"
    return x


def _draw_with_mouse(page, points):
    page.mouse.move(*points[0])
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*p, steps=4)
    page.mouse.up()


def test_drawn_strokes(open_page):
    page, watch = open_page(DOC)
    root = _ready(page)
    _show_widget(page)
    box = page.locator("#draw-digit .dd-pad").bounding_box()
    x = box["x"] + box["width"] * 0.5
    top, bottom = box["y"] + box["height"] * 0.15, box["y"] + box["height"] * 0.85
    _draw_with_mouse(page, [(x, top + (bottom - top) * t / 10) for t in range(11)])
    page.wait_for_function("() => document.getElementById('draw-digit').dataset.prediction !== ''")
    _shot(page, "stroke-desktop")
    assert root.get_attribute("data-source") == "drawing"
    assert root.get_attribute("data-prediction") == "1", page.locator(".dd-status").inner_text()
    shape = _check_mnist_like(page)
    assert shape["width"] <= 4, f"a thin vertical stroke became {shape['width']} pixels wide"

    page.get_by_role("button", name="Clear").click()
    assert root.get_attribute("data-prediction") == ""
    assert page.evaluate("() => window.drawDigit.input()") is None

    # One more shape, round rather than thin: an ellipse filling most of the pad is a 0.
    cx, cy, rx, ry = (
        box["x"] + box["width"] / 2,
        box["y"] + box["height"] / 2,
        box["width"] * 0.22,
        box["height"] * 0.33,
    )
    ring = [
        (cx + rx * math.cos(2 * math.pi * t / 30), cy + ry * math.sin(2 * math.pi * t / 30))
        for t in range(31)
    ]
    _draw_with_mouse(page, ring)
    page.wait_for_function("() => document.getElementById('draw-digit').dataset.prediction !== ''")
    assert root.get_attribute("data-prediction") == "0", page.locator(".dd-status").inner_text()
    _check_mnist_like(page)
    watch.assert_clean()


def test_test_digits_button(open_page, exported):
    page, watch = open_page(DOC)
    root = _ready(page)
    _show_widget(page)
    button = page.get_by_role("button", name="Show me a test digit")
    expected = exported["probs"].argmax(dim=1).tolist()
    seen = []
    for i in range(len(expected)):
        button.click()
        assert root.get_attribute("data-test-index") == str(i)
        seen.append(int(root.get_attribute("data-prediction")))
        if i == 0:
            _shot(page, "test-digit-desktop")
            status = page.locator(".dd-status").inner_text()
            assert f"labelled {int(exported['labels'][0])}" in status, status
            assert page.get_by_role("status").text_content() == status  # said at once, outside a stroke
    assert seen == expected, [(i, s, e) for i, (s, e) in enumerate(zip(seen, expected)) if s != e]
    watch.assert_clean()


def test_phone_width(open_page):
    page, watch = open_page(DOC, mobile=True, **PHONE)
    root = _ready(page)
    _show_widget(page, "#draw-digit .dd-pad")
    widths = page.evaluate(
        """() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth,
                   widget: document.getElementById('draw-digit').getBoundingClientRect().right})"""
    )
    assert widths["page"] <= widths["viewport"], f"the page scrolls sideways at phone width: {widths}"
    assert widths["widget"] <= widths["viewport"], f"the widget sticks out at phone width: {widths}"
    pad = page.locator("#draw-digit .dd-pad").bounding_box()
    assert pad["width"] >= 200, f"the pad is only {pad['width']} CSS pixels wide on a phone"

    # A finger drawing a vertical stroke: Chromium's own touch events, which become pointer events.
    scroll_before = page.evaluate("() => window.scrollY")
    cdp = page.context.new_cdp_session(page)
    x = pad["x"] + pad["width"] / 2
    ys = [pad["y"] + pad["height"] * (0.15 + 0.07 * t) for t in range(11)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": ys[0]}]})
    for y in ys[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function("() => document.getElementById('draw-digit').dataset.prediction !== ''")
    assert page.evaluate("() => window.scrollY") == scroll_before, "the finger scrolled the page"
    assert root.get_attribute("data-prediction") == "1", page.locator(".dd-status").inner_text()
    _check_mnist_like(page)
    _shot(page, "stroke-phone")

    page.get_by_role("button", name="Show me a test digit").click()
    page.evaluate("() => document.getElementById('draw-digit').scrollIntoView({block: 'start'})")
    _shot(page, "test-digit-phone")
    watch.assert_clean()
    _assert_axe_clean(page)


def _assert_axe_clean(page):
    """axe-core (WCAG 2.1 A/AA) finds nothing serious or critical on the page as it is now.

    After the page's own checks (watch.assert_clean()): axe fetches the stylesheets again to read them, and
    resolves the theme's `@import "../basic.css"` against the page, a 404 of axe's own.
    """
    serious = blocking(run_axe(page))
    assert not serious, "axe-core on the Draw a digit page, widget drawn on:\n" + describe(serious)


def _tab_to(page, selector, limit=400):
    """Press Tab from the top of the page until the element matching selector has the focus."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    pytest.fail(f"{selector} is not reached with the Tab key ({limit} presses)")


def _press(page, key, times=1):
    for _ in range(times):
        page.keyboard.press(key)


STATUS_LOG = """() => {
    window.__said = [];
    const region = document.querySelector('#draw-digit [role=status][aria-live=polite]');
    new MutationObserver(() => window.__said.push(region.textContent))
        .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def test_keyboard_draws(open_page):
    """Keyboard only: Tab to the pad, pen to the top, Space, down the pad, Space: a vertical stroke, read as 1."""
    page, watch = open_page(DOC)
    root = _ready(page)
    _show_widget(page)
    _tab_to(page, "#draw-digit .dd-pad")
    _show_widget(page)
    page.evaluate(STATUS_LOG)
    start = page.evaluate("() => performance.now()")

    assert page.evaluate("() => window.drawDigit.pen()") == {"x": 140, "y": 140, "down": False}
    _press(page, "ArrowUp", 10)  # one input pixel (10 pad units) a press: to y = 40
    _press(page, "Space")
    assert page.evaluate("() => window.drawDigit.pen().down")
    assert page.locator("#draw-digit .dd-cursor").is_visible(), "no pen ring over the focused pad"
    _press(page, "ArrowDown", 20)  # to y = 240, drawing
    _shot(page, "keyboard-desktop")
    _press(page, "Space")  # the pen up: the stroke ends and the full answer is said
    assert not page.evaluate("() => window.drawDigit.pen().down")
    page.wait_for_function("() => document.getElementById('draw-digit').dataset.prediction !== ''")
    assert root.get_attribute("data-source") == "drawing"
    live = page.locator("#draw-digit [role=status]")
    assert root.get_attribute("data-prediction") == "1", live.text_content()
    shape = _check_mnist_like(page)
    assert shape["width"] <= 4, f"a thin vertical stroke became {shape['width']} pixels wide"

    # The live region: polite, with the answer shown on screen; during the stroke (31 key presses and a
    # redraw for each) it changed at most once a second, plus the full answer at the end.
    assert live.get_attribute("aria-live") == "polite"
    assert "The network reads 1" in live.text_content()
    assert live.text_content() == page.locator("#draw-digit .dd-status").inner_text()  # as on screen
    said = page.evaluate("() => window.__said")
    seconds = (page.evaluate("() => performance.now()") - start) / 1000
    assert said and said[-1].startswith("The network reads 1"), said
    assert len(said) <= seconds + 2, f"the live region spoke {len(said)} times in {seconds:.1f} s: {said}"

    _press(page, "Delete")
    assert root.get_attribute("data-prediction") == ""
    assert page.evaluate("() => window.drawDigit.input()") is None
    assert "Draw a digit" in live.text_content()

    _press(page, "Space")  # one more stroke, left to right, for axe to see the widget drawn on
    _press(page, "ArrowRight", 5)
    _press(page, "Space")
    watch.assert_clean()
    _assert_axe_clean(page)


FOCUS_RING = """el => {
    const s = getComputedStyle(el);
    return {visible: el.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth)};
}"""


def test_controls_named_and_focus_visible(open_page):
    page, watch = open_page(DOC)
    _ready(page)
    tree = page.locator("#draw-digit").aria_snapshot()
    for line in (
        'application "Drawing pad for one digit"',
        'button "Clear the drawing pad"',
        'button "Show me a test digit"',
        'list "The ten softmax probabilities"',
        'img "The 28 by 28 input the network sees"',
    ):
        assert line in tree, f"{line} missing from the widget's accessibility tree:\n{tree}"
    described = page.evaluate(
        """() => { const pad = document.querySelector('#draw-digit .dd-pad');
                   return document.getElementById(pad.getAttribute('aria-describedby')).textContent; }"""
    )
    for words in ("mouse", "finger", "keyboard", "arrow keys", "Space", "Delete"):
        assert words in described, f"the pad's description does not mention {words!r}: {described}"

    # Each control, reached with Tab, shows a focus outline of at least 2 px.
    for selector, name in (
        ("#draw-digit .dd-pad", "pad"),
        ("#draw-digit .dd-clear", "clear"),
        ("#draw-digit .dd-test", "test"),
    ):
        _tab_to(page, selector)
        ring = page.locator(selector).evaluate(FOCUS_RING)
        assert ring["visible"] and ring["style"] != "none" and ring["width"] >= 2, (selector, ring)
        if name == "clear":
            _show_widget(page)
            _shot(page, "focus-button-desktop")
    watch.assert_clean()


def test_works_from_disk(browser, site):
    """Opened as a file, as a reader who downloads the built book does: the scripts load from file://."""
    context = browser.new_context(viewport=DESKTOP)
    outside = []

    def only_files(route):
        if route.request.url.startswith(("file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto((site / f"{DOC}.html").resolve().as_uri())
        root = _ready(page)
        page.get_by_role("button", name="Show me a test digit").click()
        assert root.get_attribute("data-prediction") in [str(m) for m in range(10)]
        assert not outside, f"requests off the local files: {outside}"
        assert not [e for e in errors if "draw_digit" in e or "drawDigit" in e or "MNIST_NET" in e], errors
    finally:
        context.close()


def test_note_without_javascript(browser, site):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((site / f"{DOC}.html").resolve().as_uri())
        note = page.locator("#draw-digit noscript p")  # (Playwright's text search skips <noscript>)
        assert note.is_visible() and "needs JavaScript" in note.text_content()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        note.screenshot(path=SCREENSHOTS / "16_draw_a_digit-no-javascript.png")
        assert not page.locator("#draw-digit .dd-fallback").is_visible()
    finally:
        context.close()
