/* Draw a digit: the book's trained 784-256-128-10 network, running in the reader's browser.

   book/15_draw_a_digit.ipynb trains the network and writes its weights, with 100 test digits, to
   mnist_net.js beside this file (window.MNIST_NET, written by labfns.export_weights_js). This file
   turns the element with id "draw-digit" into a drawing pad and shows what the network makes of it.
   Plain JavaScript: no framework, no server, no network request. The forward pass is the chapter's
   equations: two hidden layers with ReLU, then a linear output layer and softmax. */
(function () {
  "use strict";

  var PAD = 280; // the pad's own coordinates; CSS may show it smaller (phones)
  var PEN = 28; // pen width in pad units: 2-3 pixels, as in MNIST, once a large drawing is scaled to 20
  var FRAME = 28; // MNIST's frame ...
  var BOX = 20; // ... and the box its digits were scaled to fit
  var KEY_STEP = 10; // an arrow key moves the keyboard's pen one input pixel (a tenth of the pen's width)
  var SAY_EVERY_MS = 1000; // during a stroke, the live region speaks at most once a second
  var EMPTY_MESSAGE = "Draw a digit in the box, as large as the box allows.";

  // ---- The network ------------------------------------------------------------------------------

  function bytesFromBase64(b64) {
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function floatsFromBase64(b64) {
    var bytes = bytesFromBase64(b64);
    var view = new DataView(bytes.buffer);
    var out = new Float32Array(bytes.length / 4);
    for (var i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true); // little-endian
    return out;
  }

  // What the page runs must be what it can run: every array the size its layer needs, the layers chained
  // from the 784 pixels of the drawing to the 10 digits, the digits' pixels and labels one per digit. Returns
  // what is wrong, or null (labfns.load_weights_js checks the same in Python).
  function problemWith(spec) {
    if (!spec || !Array.isArray(spec.layers) || spec.layers.length < 2 || spec.layers.length > 3)
      return "it must list 2 or 3 layers";
    var before = 784;
    for (var i = 0; i < spec.layers.length; i++) {
      var l = spec.layers[i], name = l && typeof l.name === "string" ? l.name : "layer " + (i + 1);
      if (!l || !(l.in >= 1) || !(l.out >= 1)) return name + " has no sizes";
      if (l.in !== before) return name + " takes " + l.in + " inputs, not " + before;
      var w, b;
      try { w = floatsFromBase64(l.weight); b = floatsFromBase64(l.bias); }
      catch (e) { return name + "'s arrays are not base64 text"; }
      if (w.length !== l.in * l.out)
        return name + "'s weights hold " + w.length + " numbers, not " + l.in * l.out + " (" + l.out + "×" + l.in + ")";
      if (b.length !== l.out) return name + "'s intercepts hold " + b.length + " numbers, not " + l.out;
      for (var j = 0; j < w.length; j++) if (!isFinite(w[j])) return name + "'s weights hold NaN or infinite values";
      for (j = 0; j < b.length; j++) if (!isFinite(b[j])) return name + "'s intercepts hold NaN or infinite values";
      before = l.out;
    }
    if (before !== 10) return "the last layer has " + before + " outputs, not the 10 digits";
    if (spec.digits) {
      var d = spec.digits, px;
      try { px = bytesFromBase64(d.pixels); } catch (e) { return "the digits' pixels are not base64 text"; }
      if (!(d.n >= 1) || px.length !== d.n * 784) return "the digits' pixels do not make " + d.n + " images of 28×28";
      if (!Array.isArray(d.labels) || d.labels.length !== d.n) return "the digits do not have one label each";
    }
    return null;
  }

  function loadNet(spec) {
    return spec.layers.map(function (l) {
      return { name: l.name, nIn: l.in, nOut: l.out, W: floatsFromBase64(l.weight), b: floatsFromBase64(l.bias) };
    });
  }

  // BEGIN forward pass
  // One layer's linear part: z_k = w_k0 + sum_j w_kj a_j, k = 1..K (W is stored row by row, K × inputs).
  function linear(layer, a) {
    var z = new Float64Array(layer.nOut);
    for (var k = 0; k < layer.nOut; k++) {
      var s = layer.b[k];
      var row = k * layer.nIn;
      for (var j = 0; j < layer.nIn; j++) s += layer.W[row + j] * a[j];
      z[k] = s;
    }
    return z;
  }

  // The activation g(z) = max(0, z), ReLU.
  function relu(z) {
    return z.map(function (v) { return v > 0 ? v : 0; });
  }

  // f_m(X) = exp(Z_m) / sum_l exp(Z_l), computed as exp(Z_m - max Z) / sum_l exp(Z_l - max Z).
  function softmax(z) {
    var top = Math.max.apply(null, z);
    var e = z.map(function (v) { return Math.exp(v - top); });
    var sum = e.reduce(function (s, v) { return s + v; }, 0);
    return e.map(function (v) { return v / sum; });
  }

  // X -> A(1) = g(W1 X) -> A(2) = g(W2 A(1)) -> Z = B A(2) -> f(X) = softmax(Z).
  function forward(layers, x) {
    var hidden = [];
    var a = x;
    for (var i = 0; i < layers.length - 1; i++) {
      a = relu(linear(layers[i], a));
      hidden.push(a);
    }
    var z = linear(layers[layers.length - 1], a);
    return { hidden: hidden, z: z, probs: softmax(z) };
  }
  // END forward pass

  // ---- MNIST's preprocessing ----------------------------------------------------------------------

  // Area-averaging resize of one axis: n source pixels onto ceil(n * scale) target pixels; a target
  // pixel is the mean of the source it covers (grey where a stroke covers it in part: anti-aliasing).
  function resizeAxis(n, scale) {
    var m = Math.max(1, Math.ceil(n * scale - 1e-9));
    var plan = [];
    for (var i = 0; i < m; i++) {
      var lo = i / scale;
      var hi = (i + 1) / scale;
      var parts = [];
      for (var j = Math.floor(lo); j < Math.min(n, Math.ceil(hi)); j++) {
        var w = Math.min(j + 1, hi) - Math.max(j, lo);
        if (w > 0) parts.push([j, w * scale]);
      }
      plan.push(parts);
    }
    return { m: m, apply: function (get) {
      return plan.map(function (parts) {
        return parts.reduce(function (s, p) { return s + p[1] * get(p[0]); }, 0);
      });
    } };
  }

  // ink: PAD × PAD grey levels in [0, 1]. Returns the 784 inputs X the network sees, or null if blank:
  // the drawing's bounding box scaled (aspect kept) so that its longer side is 20 pixels, with
  // anti-aliased grey levels, then placed in the 28 × 28 frame so that its centre of mass is at the
  // centre, as MNIST's digits were made (LeCun et al., 1998).
  function preprocess(ink, size) {
    var x0 = size, x1 = -1, y0 = size, y1 = -1;
    for (var y = 0; y < size; y++) {
      for (var x = 0; x < size; x++) {
        if (ink[y * size + x] > 0) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return null;
    var w = x1 - x0 + 1, h = y1 - y0 + 1;
    var scale = BOX / Math.max(w, h);
    var across = resizeAxis(w, scale), down = resizeAxis(h, scale);
    var rows = [];
    for (var r = 0; r < h; r++) {
      rows.push(across.apply(function (c) { return ink[(y0 + r) * size + x0 + c]; }));
    }
    var small = []; // down.m rows of across.m values
    var cols = [];
    for (var c = 0; c < across.m; c++) {
      cols.push(down.apply(function (r) { return rows[r][c]; }));
    }
    for (var i = 0; i < down.m; i++) {
      small.push(cols.map(function (col) { return Math.min(1, col[i]); }));
    }
    // Centre of mass, in pixel indices, moved to the frame's centre pixel (14, 14).
    var mass = 0, my = 0, mx = 0;
    for (var i2 = 0; i2 < down.m; i2++) {
      for (var j2 = 0; j2 < across.m; j2++) {
        var v = small[i2][j2];
        mass += v;
        my += v * i2;
        mx += v * j2;
      }
    }
    var dy = Math.round(FRAME / 2 - my / mass), dx = Math.round(FRAME / 2 - mx / mass);
    var out = new Float32Array(FRAME * FRAME);
    for (var i3 = 0; i3 < down.m; i3++) {
      for (var j3 = 0; j3 < across.m; j3++) {
        var fy = i3 + dy, fx = j3 + dx;
        if (fy >= 0 && fy < FRAME && fx >= 0 && fx < FRAME) out[fy * FRAME + fx] = Math.fround(small[i3][j3]);
      }
    }
    return out;
  }

  // ---- The page -----------------------------------------------------------------------------------

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function figure(canvas, caption) {
    var f = el("figure", "dd-fig");
    f.appendChild(canvas);
    var cap = el("figcaption");
    cap.innerHTML = caption;
    f.appendChild(cap);
    return f;
  }

  function canvas(cls, w, h, label) {
    var c = el("canvas", cls);
    c.width = w;
    c.height = h;
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", label);
    return c;
  }

  // Grey levels (0 white, 1 black) onto a small canvas, one canvas pixel per value.
  function paint(cnv, values, scaleToMax) {
    var ctx = cnv.getContext("2d");
    var img = ctx.createImageData(cnv.width, cnv.height);
    var top = 1;
    if (scaleToMax) {
      top = 0;
      for (var i = 0; i < values.length; i++) if (values[i] > top) top = values[i];
    }
    for (var k = 0; k < cnv.width * cnv.height; k++) {
      var v = k < values.length && top > 0 ? Math.min(1, values[k] / top) : 0;
      var g = Math.round(255 * (1 - v));
      img.data[4 * k] = g;
      img.data[4 * k + 1] = g;
      img.data[4 * k + 2] = g;
      img.data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function grid(n) {
    // 256 units as 16 × 16, 128 as 8 rows of 16; other sizes in rows of 16 (or fewer).
    var cols = Math.min(16, n);
    return [cols, Math.ceil(n / cols)];
  }

  function build(root, spec) {
    var layers = loadNet(spec);
    var digits = spec.digits ? bytesFromBase64(spec.digits.pixels) : null;
    var nDigits = spec.digits ? spec.digits.n : 0;
    var k1 = layers[0].nOut, k2 = layers.length > 2 ? layers[1].nOut : 0;
    var g1 = grid(k1), g2 = k2 ? grid(k2) : null;
    var uid = root.id || "draw-digit";

    root.textContent = "";
    root.classList.add("dd-ready");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", "Draw a digit");
    var left = el("div", "dd-left");

    // The pad: a canvas the pointer draws on, and a keyboard control (role "application", so that a screen
    // reader hands the arrow keys and Space to it). The ring over it is the keyboard's pen.
    var padWrap = el("div", "dd-pad-wrap");
    var pad = el("canvas", "dd-pad");
    pad.width = pad.height = PAD;
    pad.tabIndex = 0;
    pad.setAttribute("role", "application");
    pad.setAttribute("aria-label", "Drawing pad for one digit");
    pad.setAttribute("aria-describedby", uid + "-help");
    var cursor = el("div", "dd-cursor");
    cursor.setAttribute("aria-hidden", "true");
    padWrap.appendChild(pad);
    padWrap.appendChild(cursor);
    var help = el("p", "dd-help");
    help.id = uid + "-help";
    help.innerHTML =
      "Draw with the mouse, a finger or a pen, or with the keyboard: in the box, the arrow keys move " +
      "the pen (with <kbd>Shift</kbd>, four times as far), <kbd>Space</kbd> puts it down or lifts it, " +
      "<kbd>Delete</kbd> clears. The network's answer is read out as it changes.";

    var clear = el("button", "dd-button dd-clear", "Clear");
    var test = el("button", "dd-button dd-test", "Show me a test digit");
    clear.type = test.type = "button";
    clear.setAttribute("aria-label", "Clear the drawing pad");
    if (!nDigits) test.disabled = true;
    var buttons = el("div", "dd-buttons");
    buttons.appendChild(clear);
    buttons.appendChild(test);
    // The network's answer twice: on screen, new at every frame of a stroke; and for screen readers, in a
    // live region that speaks as the answer changes, but not at every point of a stroke (see say).
    var status = el("p", "dd-status", EMPTY_MESSAGE);
    status.setAttribute("aria-hidden", "true");
    var live = el("p", "dd-sr-only dd-live", EMPTY_MESSAGE);
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    // Whether the keyboard's pen is down, for screen readers (the ring shows it on screen).
    var penNote = el("p", "dd-sr-only");
    penNote.setAttribute("aria-live", "polite");
    left.appendChild(padWrap);
    left.appendChild(buttons);
    left.appendChild(status);
    left.appendChild(live);
    left.appendChild(help);
    left.appendChild(penNote);

    var right = el("div", "dd-right");
    var pics = el("div", "dd-pics");
    var input = canvas("dd-input", FRAME, FRAME, "The 28 by 28 input the network sees");
    var h1 = canvas("dd-h1", g1[0], g1[1], "Activations of the first hidden layer");
    pics.appendChild(figure(input, "input <i>X</i><br>28 × 28"));
    pics.appendChild(figure(h1, "<i>A</i><sup>(1)</sup>, " + k1 + " units<br>" + g1[1] + " × " + g1[0]));
    var h2 = null;
    if (g2) {
      h2 = canvas("dd-h2", g2[0], g2[1], "Activations of the second hidden layer");
      pics.appendChild(figure(h2, "<i>A</i><sup>(2)</sup>, " + k2 + " units<br>" + g2[1] + " × " + g2[0]));
    }
    var bars = el("div", "dd-bars");
    bars.setAttribute("role", "list");
    bars.setAttribute("aria-label", "The ten softmax probabilities");
    var rows = [];
    for (var m = 0; m < 10; m++) {
      var row = el("div", "dd-row");
      row.setAttribute("role", "listitem");
      var fill = el("span", "dd-fill");
      var track = el("span", "dd-track");
      track.setAttribute("aria-hidden", "true");
      track.appendChild(fill);
      var pct = el("span", "dd-pct", "");
      row.appendChild(el("span", "dd-digit", String(m)));
      row.appendChild(track);
      row.appendChild(pct);
      bars.appendChild(row);
      rows.push({ row: row, fill: fill, pct: pct });
    }
    var barsFig = el("figure", "dd-fig dd-bars-fig");
    barsFig.appendChild(bars);
    var barsCap = el("figcaption");
    barsCap.innerHTML = "<i>f<sub>m</sub></i>(<i>X</i>) = Pr(<i>Y</i> = <i>m</i> | <i>X</i>), the softmax output";
    barsFig.appendChild(barsCap);
    right.appendChild(pics);
    right.appendChild(barsFig);
    root.appendChild(left);
    root.appendChild(right);

    var ctx = pad.getContext("2d", { willReadFrequently: true });
    var state = { source: "empty", testIndex: -1, input: null, result: null };
    var drawing = false, last = null, pending = false;
    var pen = { x: PAD / 2, y: PAD / 2, down: false }; // the keyboard's pen, in pad units

    // ---- What the live region says ----
    // Outside a stroke, every new answer at once. During one, only a change of the digit read, at most
    // once every SAY_EVERY_MS, the latest one winning; the full answer follows when the stroke ends.
    var said = { top: null, at: 0 }, sayTimer = null, waiting = null;

    function say(text, top) {
      window.clearTimeout(sayTimer);
      sayTimer = null;
      waiting = null;
      said = { top: top, at: Date.now() };
      if (live.textContent !== text) live.textContent = text;
    }

    function sayDuringStroke(text, top) {
      if (top === said.top) {
        window.clearTimeout(sayTimer);
        sayTimer = null;
        waiting = null;
        return;
      }
      waiting = [text, top];
      if (sayTimer) return;
      sayTimer = window.setTimeout(function () {
        sayTimer = null;
        if (waiting) say(waiting[0], waiting[1]);
      }, Math.max(0, said.at + SAY_EVERY_MS - Date.now()));
    }

    function show(x, label) {
      state.input = x;
      if (!x) {
        state.result = null;
        paint(input, [], false);
        paint(h1, [], false);
        if (h2) paint(h2, [], false);
        rows.forEach(function (r) {
          r.fill.style.width = "0";
          r.pct.textContent = "";
          r.row.classList.remove("dd-top");
        });
        root.dataset.prediction = "";
        status.textContent = EMPTY_MESSAGE;
        say(EMPTY_MESSAGE, null);
        return;
      }
      var res = forward(layers, x);
      state.result = res;
      var top = 0;
      for (var m = 1; m < 10; m++) if (res.probs[m] > res.probs[top]) top = m;
      paint(input, x, false);
      paint(h1, res.hidden[0], true);
      if (h2) paint(h2, res.hidden[1], true);
      rows.forEach(function (r, m) {
        r.fill.style.width = (100 * res.probs[m]).toFixed(1) + "%";
        r.pct.textContent = (100 * res.probs[m]).toFixed(1) + " %";
        r.row.classList.toggle("dd-top", m === top);
      });
      root.dataset.prediction = String(top);
      var text = (label || "") + "The network reads " + top + " (" + (100 * res.probs[top]).toFixed(1) + " %).";
      status.textContent = text;
      if (drawing || pen.down) sayDuringStroke(text, top);
      else say(text, top);
    }

    function inkFromPad() {
      var data = ctx.getImageData(0, 0, PAD, PAD).data;
      var ink = new Float32Array(PAD * PAD);
      for (var i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3] / 255;
      return ink;
    }

    function update() {
      pending = false;
      if (state.source !== "drawing") return;
      show(preprocess(inkFromPad(), PAD));
      root.dataset.source = state.source;
    }

    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(update);
      }
    }

    function clearAll() {
      ctx.clearRect(0, 0, PAD, PAD);
      state.source = "empty";
      state.testIndex = -1;
      root.dataset.source = "empty";
      root.dataset.testIndex = "";
      if (pen.down) liftPen(true);
      show(null);
    }

    function testDigit(i) {
      var x = new Float32Array(FRAME * FRAME);
      for (var j = 0; j < x.length; j++) x[j] = Math.fround(digits[i * x.length + j] / 255);
      return x;
    }

    function showTestDigit(i) {
      var x = testDigit(i);
      if (pen.down) liftPen(true);
      ctx.clearRect(0, 0, PAD, PAD);
      var small = document.createElement("canvas");
      small.width = small.height = FRAME;
      var sctx = small.getContext("2d");
      var img = sctx.createImageData(FRAME, FRAME);
      for (var k = 0; k < x.length; k++) img.data[4 * k + 3] = digits[i * x.length + k]; // black ink
      sctx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, PAD, PAD);
      state.source = "test";
      state.testIndex = i;
      root.dataset.source = "test";
      root.dataset.testIndex = String(i);
      show(x, "Test digit " + (i + 1) + " of " + nDigits + ", labelled " + spec.digits.labels[i] + ". ");
    }

    function point(e) {
      var r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) * PAD) / r.width, ((e.clientY - r.top) * PAD) / r.height];
    }

    function stroke(a, b) {
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.lineWidth = PEN;
      ctx.strokeStyle = "#000";
      ctx.beginPath();
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0] + (a[0] === b[0] && a[1] === b[1] ? 0.01 : 0), b[1]);
      ctx.stroke();
    }

    // A new drawing replaces a test digit or the empty pad.
    function startDrawing() {
      if (state.source !== "drawing") {
        ctx.clearRect(0, 0, PAD, PAD);
        state.source = "drawing";
        state.testIndex = -1;
        root.dataset.testIndex = "";
      }
    }

    // ---- Mouse, finger, pen ----
    pad.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      e.preventDefault();
      root.classList.remove("dd-keys");
      if (pad.setPointerCapture) pad.setPointerCapture(e.pointerId);
      if (pen.down) liftPen(true);
      startDrawing();
      drawing = true;
      last = point(e);
      stroke(last, last);
      schedule();
    });
    pad.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      e.preventDefault();
      var events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      if (!events.length) events = [e];
      events.forEach(function (ev) {
        var p = point(ev);
        stroke(last, p);
        last = p;
      });
      schedule();
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      update();
    }
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    pad.addEventListener("lostpointercapture", end);

    // ---- Keyboard ----
    function placeCursor() {
      cursor.style.left = (100 * pen.x) / PAD + "%";
      cursor.style.top = (100 * pen.y) / PAD + "%";
      cursor.classList.toggle("dd-cursor-down", pen.down);
    }

    function putPenDown() {
      startDrawing();
      pen.down = true;
      placeCursor();
      penNote.textContent = "Pen down: the arrow keys draw.";
      stroke([pen.x, pen.y], [pen.x, pen.y]);
      schedule();
    }

    // quiet: lifted by something else (a click, Clear, a test digit), with nothing to announce.
    function liftPen(quiet) {
      pen.down = false;
      placeCursor();
      if (quiet) return;
      penNote.textContent = "Pen up: the arrow keys move without drawing.";
      update();
    }

    function clamp(v) {
      return Math.max(0, Math.min(PAD, v));
    }

    pad.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var step = e.shiftKey ? 4 * KEY_STEP : KEY_STEP, dx = 0, dy = 0;
      switch (e.key) {
        case "ArrowLeft": dx = -step; break;
        case "ArrowRight": dx = step; break;
        case "ArrowUp": dy = -step; break;
        case "ArrowDown": dy = step; break;
        case " ":
        case "Enter":
          e.preventDefault();
          root.classList.add("dd-keys");
          if (pen.down) liftPen(false);
          else putPenDown();
          return;
        case "Delete":
        case "Backspace":
          e.preventDefault();
          clearAll();
          return;
        default:
          return; // Tab and everything else keep their usual meaning
      }
      e.preventDefault(); // the arrow keys draw instead of scrolling the page
      root.classList.add("dd-keys");
      var next = [clamp(pen.x + dx), clamp(pen.y + dy)];
      if (pen.down) {
        stroke([pen.x, pen.y], next);
        schedule();
      }
      pen.x = next[0];
      pen.y = next[1];
      placeCursor();
    });
    pad.addEventListener("blur", function () {
      if (pen.down) liftPen(false);
    });
    placeCursor();

    clear.addEventListener("click", clearAll);
    var next = 0;
    test.addEventListener("click", function () {
      showTestDigit(next);
      next = (next + 1) % nDigits;
    });

    clearAll();

    // For the book's browser test (tests/test_draw_browser.py) and the curious reader's console.
    window.drawDigit = {
      forward: function (x) { return forward(layers, x); },
      preprocess: preprocess,
      testDigit: testDigit,
      showTestDigit: showTestDigit,
      nDigits: nDigits,
      input: function () { return state.input ? Array.from(state.input) : null; },
      result: function () { return state.result; },
      pen: function () { return { x: pen.x, y: pen.y, down: pen.down }; },
    };
  }

  function start() {
    var root = document.getElementById("draw-digit");
    if (!root) return;
    if (!window.MNIST_NET) {
      root.textContent =
        "The network's weights (draw_digit/mnist_net.js) did not load, so the drawing pad cannot run here.";
      return;
    }
    var problem = problemWith(window.MNIST_NET);
    if (problem) {
      root.textContent =
        "The network's weights (draw_digit/mnist_net.js) are damaged: " + problem +
        ". The drawing pad cannot run; export them again with labfns.export_weights_js.";
      return;
    }
    build(root, window.MNIST_NET);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
