/* Bilingual briefings: reading modes, counterpart highlight, paragraph links.
 * Without JavaScript the page still reads well: side by side on wide screens,
 * interleaved on narrow ones (see briefings.css). */
(function () {
  "use strict";

  var STORAGE_KEY = "briefings.mode";
  var MODES = [
    { id: "side", label: "Side by side" },
    { id: "interleaved", label: "Interleaved" },
    { id: "es", label: "Español", lang: "es" },
    { id: "en", label: "English", lang: "en" },
  ];

  function storedMode() {
    try {
      var mode = window.localStorage.getItem(STORAGE_KEY);
      return MODES.some(function (m) { return m.id === mode; }) ? mode : null;
    } catch (e) {
      return null; // storage disabled: the choice lasts for this page only
    }
  }

  function store(mode) {
    try {
      window.localStorage.setItem(STORAGE_KEY, mode);
    } catch (e) { /* storage disabled */ }
  }

  function apply(article, mode) {
    if (mode) {
      article.setAttribute("data-mode", mode);
    } else {
      article.removeAttribute("data-mode");
    }
    var inputs = article.querySelectorAll(".bf-modes input");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].checked = inputs[i].value === mode;
    }
  }

  function toolbar(article) {
    var form = document.createElement("fieldset");
    form.className = "bf-modes";
    var legend = document.createElement("legend");
    legend.textContent = "Reading mode";
    form.appendChild(legend);
    MODES.forEach(function (mode) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "bf-mode";
      input.value = mode.id;
      input.addEventListener("change", function () {
        apply(article, mode.id);
        store(mode.id);
      });
      var text = document.createElement("span");
      text.textContent = mode.label;
      if (mode.lang) {
        text.lang = mode.lang;
      }
      label.appendChild(input);
      label.appendChild(text);
      form.appendChild(label);
    });
    return form;
  }

  function highlight(article) {
    function pairOf(node) {
      return node && node.closest ? node.closest(".bf-pair") : null;
    }
    function set(event, on) {
      var pair = pairOf(event.target);
      if (pair) {
        pair.classList.toggle("bf-active", on);
      }
    }
    article.addEventListener("mouseover", function (e) { set(e, true); });
    article.addEventListener("mouseout", function (e) { set(e, false); });
    article.addEventListener("focusin", function (e) { set(e, true); });
    article.addEventListener("focusout", function (e) { set(e, false); });
    var sentences = article.querySelectorAll(".bf-es, .bf-en");
    for (var i = 0; i < sentences.length; i++) {
      sentences[i].tabIndex = 0;
    }
  }

  function copyLinks(article) {
    article.addEventListener("click", function (event) {
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
  }

  function init() {
    var article = document.querySelector("article.bf-briefing");
    if (!article) {
      return;
    }
    var columns = article.querySelector(".bf-columns");
    article.insertBefore(toolbar(article), columns || article.firstChild.nextSibling);
    apply(article, storedMode() || (window.matchMedia("(min-width: 45em)").matches ? "side" : "interleaved"));
    highlight(article);
    copyLinks(article);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
