/* Tab stops on the cells' outputs only where they scroll sideways (a wide figure on a phone: phone.css).

   _ext/accessible_html.py writes every div.cell_output with tabindex="0", so that an output which scrolls
   can be reached and scrolled with the keyboard even without JavaScript. Here, once the page and its
   images have loaded and again after each resize, the outputs that do not scroll at this width leave the
   Tab order (tabindex -1), as pydata-sphinx-theme does for code blocks. */
(function () {
  "use strict";

  function update() {
    document.querySelectorAll("div.cell_output[tabindex]").forEach(function (el) {
      el.tabIndex = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight ? 0 : -1;
    });
  }

  var timer = null;
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 200);
  }

  if (document.readyState === "complete") update();
  else window.addEventListener("load", update);
  window.addEventListener("resize", later);
})();
