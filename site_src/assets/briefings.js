/* Bilingual briefings: reading modes, text size, the current sentence (j/k), explained
 * marks, read-aloud, paragraph links. Without JavaScript the page still reads well: side by
 * side on wide screens, interleaved on narrow ones (see briefings.css); marks explain
 * themselves by their title. Choices are remembered in localStorage. */
(function () {
  "use strict";

  var MODE_KEY = "briefings.mode";
  var SIZE_KEY = "briefings.text-size";
  var MODES = [
    { id: "side", label: "Side by side", wide: true },
    { id: "interleaved", label: "Interleaved" },
    { id: "es", label: "Español", lang: "es" },
    { id: "en", label: "English", lang: "en" },
    { id: "learn", label: "Learn" },
  ];
  var SIZES = ["0.9", "1", "1.15", "1.3", "1.5"];
  // Below this width two columns give lines of under about 35 characters: side by side is
  // not offered there (the same width as the layout without JavaScript in briefings.css).
  var WIDE = window.matchMedia("(min-width: 45em)");

  function load(key, allowed) {
    try {
      var value = window.localStorage.getItem(key);
      return allowed.indexOf(value) >= 0 ? value : null;
    } catch (e) {
      return null; // storage disabled: the choice lasts for this page only
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) { /* storage disabled */ }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function isTyping(target) {
    // Text fields only: on a radio button (the mode switch), j and k still move.
    return target && target.closest && target.closest(
      "textarea, select, [contenteditable], input:not([type=radio]):not([type=checkbox]):not([type=button])"
    );
  }

  function Reader(article) {
    this.article = article;
    this.pairs = Array.prototype.slice.call(article.querySelectorAll(".bf-pair"));
    this.chosen = load(MODE_KEY, MODES.map(function (m) { return m.id; }));
    this.current = null;
    this.voice = null;
  }

  /* ---- Reading modes ---------------------------------------------------------------- */

  Reader.prototype.mode = function () {
    var mode = this.chosen || (WIDE.matches ? "side" : "interleaved");
    return mode === "side" && !WIDE.matches ? "interleaved" : mode;
  };

  Reader.prototype.applyMode = function () {
    var mode = this.mode();
    this.article.setAttribute("data-mode", mode);
    this.modeInputs.forEach(function (input) {
      input.checked = input.value === mode;
      if (input.value === "side") {
        input.disabled = !WIDE.matches;
        input.parentNode.hidden = !WIDE.matches;
      }
    });
    this.hint.hidden = mode !== "learn";
  };

  Reader.prototype.toolbar = function () {
    var self = this;
    var bar = element("div", "bf-toolbar");
    var form = element("fieldset", "bf-modes");
    form.appendChild(element("legend", "", "Reading mode"));
    this.modeInputs = MODES.map(function (mode) {
      var label = element("label");
      var input = element("input");
      input.type = "radio";
      input.name = "bf-mode";
      input.value = mode.id;
      input.addEventListener("change", function () {
        self.chosen = mode.id;
        save(MODE_KEY, mode.id);
        self.applyMode();
      });
      var text = element("span", "", mode.label);
      if (mode.lang) {
        text.lang = mode.lang;
      }
      label.appendChild(input);
      label.appendChild(text);
      form.appendChild(label);
      return input;
    });
    bar.appendChild(form);
    return bar;
  };

  /* ---- Text size and the learner's hint -------------------------------------------- */

  Reader.prototype.aids = function () {
    var self = this;
    var aids = element("div", "bf-aids");
    var group = element("div", "bf-size");
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", "bf-size-label");
    var label = element("span", "bf-aids-label", "Text size");
    label.id = "bf-size-label";
    group.appendChild(label);
    var size = load(SIZE_KEY, SIZES) || "1";
    var smaller = element("button");
    var larger = element("button");
    function show() {
      self.article.style.setProperty("--bf-scale", size);
      smaller.disabled = size === SIZES[0];
      larger.disabled = size === SIZES[SIZES.length - 1];
    }
    [[smaller, "A\u2212", "Smaller text", -1], [larger, "A+", "Larger text", 1]].forEach(function (spec) {
      var button = spec[0];
      button.type = "button";
      var glyph = element("span", "", spec[1]);
      glyph.setAttribute("aria-hidden", "true");
      button.appendChild(glyph);
      button.appendChild(element("span", "bf-sr", spec[2]));
      button.addEventListener("click", function () {
        var at = SIZES.indexOf(size) + spec[3];
        size = SIZES[Math.max(0, Math.min(SIZES.length - 1, at))];
        save(SIZE_KEY, size);
        show();
      });
      group.appendChild(button);
    });
    aids.appendChild(group);
    this.hint = element("span", "bf-hint", "Tap a Spanish sentence, or press Enter on it, to see its English.");
    aids.appendChild(this.hint);
    show();
    return aids;
  };

  /* ---- The current sentence: one Tab stop, j/k between sentences -------------------- */

  Reader.prototype.visiblePairs = function () {
    return this.pairs.filter(function (pair) { return pair.getClientRects().length > 0; });
  };

  Reader.prototype.setCurrent = function (pair, focus) {
    if (!pair) {
      return;
    }
    var previous = this.current;
    if (previous && previous !== pair) {
      previous.tabIndex = -1;
      previous.classList.remove("bf-current");
      previous.closest(".bf-paragraph").classList.remove("bf-current-paragraph");
      this.focusable(previous, false);
    }
    this.current = pair;
    pair.tabIndex = 0;
    pair.classList.add("bf-current");
    pair.closest(".bf-paragraph").classList.add("bf-current-paragraph");
    this.focusable(pair, true);
    if (focus) {
      pair.focus({ preventScroll: true });
      pair.scrollIntoView({ block: "nearest" });
    }
  };

  // Only the current sentence's marks and buttons and its paragraph's link are Tab stops.
  Reader.prototype.focusable = function (pair, on) {
    var buttons = pair.querySelectorAll(".bf-actions button");
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].tabIndex = on ? 0 : -1;
    }
    var marks = pair.querySelectorAll(".bf-en .bf-uncertain");
    for (var i = 0; i < marks.length; i++) {
      if (on) {
        marks[i].tabIndex = 0;
      } else {
        marks[i].removeAttribute("tabindex");
      }
    }
    var anchor = pair.closest(".bf-paragraph").querySelector(".bf-anchor");
    if (anchor) {
      anchor.tabIndex = on ? 0 : -1;
    }
  };

  Reader.prototype.step = function (by) {
    var pairs = this.visiblePairs();
    var at = pairs.indexOf(this.current);
    if (at < 0 || document.activeElement !== this.current) {
      // From elsewhere on the page: start at the first sentence in view.
      var top = 0;
      var bar = this.article.querySelector(".bf-toolbar");
      if (bar) {
        top = bar.getBoundingClientRect().bottom;
      }
      var inView = pairs.filter(function (pair) { return pair.getBoundingClientRect().bottom > top; })[0];
      this.setCurrent(inView || pairs[0], true);
      return;
    }
    this.setCurrent(pairs[Math.max(0, Math.min(pairs.length - 1, at + by))], true);
  };

  Reader.prototype.sentences = function () {
    var self = this;
    this.pairs.forEach(function (pair) {
      pair.tabIndex = -1;
      pair.setAttribute("role", "group");
      pair.setAttribute("aria-label", "Sentence " + pair.id.replace(/^p(\d+)-s(\d+)$/, "$2 of paragraph $1"));
    });
    var anchors = this.article.querySelectorAll(".bf-anchor");
    for (var i = 0; i < anchors.length; i++) {
      anchors[i].tabIndex = -1;
    }
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    var first = target && target.closest ? target.closest(".bf-pair") || (target.querySelector && target.querySelector(".bf-pair")) : null;
    this.setCurrent(first || this.pairs[0], false);

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
        return;
      }
      if (event.key === "j" || event.key === "k") {
        event.preventDefault();
        self.step(event.key === "j" ? 1 : -1);
      } else if ((event.key === "Enter" || event.key === " ") && event.target === self.current && self.mode() === "learn") {
        event.preventDefault();
        self.reveal(self.current);
      }
    });
    this.article.addEventListener("click", function (event) {
      var pair = event.target.closest ? event.target.closest(".bf-pair") : null;
      if (!pair) {
        return;
      }
      self.setCurrent(pair, false);
      var onControl = event.target.closest("a, button, .bf-uncertain, .bf-actions");
      if (!onControl && self.mode() === "learn" && !event.target.closest(".bf-en")) {
        self.reveal(pair);
      }
    });
    this.article.addEventListener("focusin", function (event) {
      var pair = event.target.closest ? event.target.closest(".bf-pair") : null;
      if (pair && pair !== self.current) {
        self.setCurrent(pair, false);
      }
    });
  };

  /* ---- For learners: each sentence's English on demand, read-aloud ---------------- */

  // Every sentence gets its buttons at once (shown in the learner's mode only), so that
  // nothing moves when a reader taps from one sentence to the next.
  Reader.prototype.actions = function () {
    var self = this;
    this.pairs.forEach(function (pair) {
      var english = pair.querySelector(".bf-en");
      english.id = pair.id + "-en";
      var bar = element("span", "bf-actions");
      var reveal = element("button", "bf-reveal");
      reveal.type = "button";
      reveal.tabIndex = -1;
      reveal.setAttribute("aria-controls", english.id);
      reveal.setAttribute("aria-expanded", "false");
      var glyph = element("span", "", "EN");
      glyph.setAttribute("aria-hidden", "true");
      reveal.appendChild(glyph);
      reveal.appendChild(element("span", "bf-sr", "English translation"));
      reveal.addEventListener("click", function () { self.reveal(pair); });
      var say = element("button", "bf-say");
      say.type = "button";
      say.tabIndex = -1;
      say.hidden = true;
      say.setAttribute("aria-label", "Listen to this Spanish sentence");
      say.appendChild(speakerIcon());
      say.addEventListener("click", function () { self.say(pair, say); });
      bar.appendChild(reveal);
      bar.appendChild(say);
      pair.insertBefore(bar, english);
    });
    this.findVoice();
    if ("speechSynthesis" in window && window.speechSynthesis.addEventListener) {
      window.speechSynthesis.addEventListener("voiceschanged", function () { self.findVoice(); });
    }
  };

  function speakerIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M3 9v6h4l5 5V4L7 9H3m13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4M14 3.23v2.06c2.89.86 5 3.54 5 6.71s-2.11 5.84-5 6.7v2.07c4-.91 7-4.49 7-8.77S18 4.14 14 3.23Z");
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  Reader.prototype.reveal = function (pair) {
    var revealed = pair.classList.toggle("bf-revealed");
    pair.querySelector(".bf-reveal").setAttribute("aria-expanded", revealed ? "true" : "false");
    this.setCurrent(pair, false);
  };

  Reader.prototype.findVoice = function () {
    if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
      return;
    }
    var voices = window.speechSynthesis.getVoices() || [];
    // Only voices of the browser or the system: no text leaves the machine.
    var spanish = voices.filter(function (v) { return /^es(\b|[-_])/i.test(v.lang) && v.localService !== false; });
    this.voice = spanish.filter(function (v) { return /^es[-_]ES/i.test(v.lang); })[0] || spanish[0] || null;
    var buttons = this.article.querySelectorAll(".bf-say");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = !this.voice;
    }
  };

  Reader.prototype.say = function (pair, button) {
    var synth = window.speechSynthesis;
    var speaking = this.speaking;
    synth.cancel();
    if (speaking) {
      speaking.removeAttribute("aria-pressed");
      this.speaking = null;
      if (speaking === button) {
        return; // pressed again: stop
      }
    }
    var utterance = new window.SpeechSynthesisUtterance(pair.querySelector(".bf-es").textContent);
    utterance.voice = this.voice;
    utterance.lang = this.voice.lang;
    var self = this;
    utterance.onend = utterance.onerror = function () {
      button.removeAttribute("aria-pressed");
      if (self.speaking === button) {
        self.speaking = null;
      }
    };
    button.setAttribute("aria-pressed", "true");
    this.speaking = button;
    synth.speak(utterance);
  };

  /* ---- Marks explained on hover, focus and tap -------------------------------------- */

  Reader.prototype.marks = function () {
    var tip = element("div", "bf-tip");
    tip.id = "bf-tip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.appendChild(tip);
    var shown = null;
    var marks = this.article.querySelectorAll(".bf-uncertain[title]");
    for (var i = 0; i < marks.length; i++) {
      // The page's own tooltip replaces the browser's, which phones never show.
      marks[i].setAttribute("data-note", marks[i].getAttribute("title"));
      marks[i].removeAttribute("title");
    }
    function show(mark) {
      shown = mark;
      tip.textContent = mark.getAttribute("data-note") + ".";
      tip.hidden = false;
      mark.setAttribute("aria-describedby", "bf-tip");
      var box = mark.getBoundingClientRect();
      var width = tip.offsetWidth;
      var left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
      var below = box.bottom + 6;
      var top = below + tip.offsetHeight > window.innerHeight ? box.top - tip.offsetHeight - 6 : below;
      tip.style.left = left + "px";
      tip.style.top = top + "px";
    }
    function hide() {
      if (shown) {
        shown.removeAttribute("aria-describedby");
      }
      shown = null;
      tip.hidden = true;
    }
    function markOf(event) {
      return event.target.closest ? event.target.closest(".bf-en .bf-uncertain[data-note]") : null;
    }
    this.article.addEventListener("pointerover", function (event) {
      var mark = markOf(event);
      if (mark && event.pointerType === "mouse") {
        show(mark);
      }
    });
    this.article.addEventListener("pointerout", function (event) {
      if (markOf(event) && event.pointerType === "mouse" && document.activeElement !== shown) {
        hide();
      }
    });
    this.article.addEventListener("focusin", function (event) {
      var mark = markOf(event);
      if (mark) {
        show(mark);
      }
    });
    this.article.addEventListener("focusout", function (event) {
      if (markOf(event)) {
        hide();
      }
    });
    document.addEventListener("click", function (event) {
      var mark = markOf(event);
      if (mark) {
        show(mark); // a tap or a click shows it; a tap elsewhere or Escape hides it
      } else {
        hide();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hide();
      }
    });
    window.addEventListener("scroll", function () {
      if (shown && document.activeElement !== shown) {
        hide();
      }
    }, { passive: true });
  };

  /* ---- Counterpart highlight and paragraph links ------------------------------------ */

  Reader.prototype.highlight = function () {
    var article = this.article;
    function set(event, on) {
      var pair = event.target.closest ? event.target.closest(".bf-pair") : null;
      if (pair) {
        pair.classList.toggle("bf-active", on);
      }
    }
    article.addEventListener("mouseover", function (e) { set(e, true); });
    article.addEventListener("mouseout", function (e) { set(e, false); });
    article.addEventListener("focusin", function (e) { set(e, true); });
    article.addEventListener("focusout", function (e) { set(e, false); });
  };

  Reader.prototype.copyLinks = function () {
    this.article.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest(".bf-anchor") : null;
      if (!link || !navigator.clipboard) {
        return; // the link still moves to the paragraph, and can be copied by hand
      }
      var url = new URL(link.getAttribute("href"), window.location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        link.setAttribute("data-copied", "");
        window.setTimeout(function () { link.removeAttribute("data-copied"); }, 1500);
      }, function () { /* copying refused: the link still works */ });
    });
  };

  Reader.prototype.start = function () {
    // After the header: the sticky mode switch (a child of the article, so that it sticks
    // all the way down), then the marks' legend with the text size and the learner's hint.
    var header = this.article.querySelector(".bf-header");
    var bar = this.toolbar();
    this.article.insertBefore(bar, header.nextSibling);
    var aids = this.aids();
    this.article.insertBefore(aids, bar.nextSibling);
    var legend = this.article.querySelector(".bf-legend");
    if (legend) {
      aids.insertBefore(legend, aids.firstChild);
    }
    this.actions();
    this.sentences();
    this.marks();
    this.highlight();
    this.copyLinks();
    this.applyMode();
    var self = this;
    var onWidth = function () { self.applyMode(); };
    if (WIDE.addEventListener) {
      WIDE.addEventListener("change", onWidth);
    } else if (WIDE.addListener) {
      WIDE.addListener(onWidth);
    }
  };

  function pageAddress() {
    var slot = document.querySelector("[data-bf-page-url]");
    if (slot && !slot.textContent.trim()) {
      slot.textContent = window.location.href.split("#")[0];
    }
  }

  function init() {
    pageAddress();
    var article = document.querySelector("article.bf-briefing");
    if (article) {
      new Reader(article).start();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
