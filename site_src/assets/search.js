/* Search the briefings: Material's header search box and dialog, Pagefind behind them.
 *
 * Nothing of the index is fetched until the reader opens the search: then the Pagefind
 * bundles listed in pagefind/shards.json (one set per language, each in shards) are opened,
 * and each query fetches only the index chunks its words need. Both languages are searched,
 * each with its own stemmer; a briefing found in both appears once, with both its titles.
 * Without JavaScript (or without an index) the header shows no search at all. */
(function () {
  "use strict";

  var script = document.currentScript;
  var toggle = document.getElementById("__search"); // Material's search toggle
  var header = document.querySelector(".md-header__inner");
  if (!script || !toggle || !header || !window.fetch || !window.Map) {
    return;
  }
  var ROOT = new URL("../", script.src); // this file is assets/search.js
  var BUNDLES = new URL("pagefind/", ROOT);
  var LANGUAGES = ["es", "en"];
  var PAGE = 10;
  // Each index also holds the other language's title as metadata: only the searched
  // language's title counts, and a match in metadata alone scores 0 and is dropped.
  var RANKING = {
    es: { metaWeights: { title: 5, title_en: 0, date: 0 } },
    en: { metaWeights: { title: 0, title_en: 5, date: 0 } },
  };
  var ICONS = { // Material Design Icons (Apache 2.0), as Material's own header uses them
    magnify: "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5",
    back: "M20 11v2H8l5.5 5.5-1.42 1.42L4.16 12l7.92-7.92L13.5 5.5 8 11z",
    close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
  };

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  // -- The markup: Material's header search, with a name for the dialog ------------------

  var opener = el("button", {
    type: "button",
    class: "md-header__button md-icon bf-search-open",
    "aria-label": "Search the briefings",
    "aria-controls": "bf-search",
    "aria-expanded": "false",
  }, [icon("magnify")]);
  var input = el("input", {
    type: "search",
    class: "md-search__input",
    name: "query",
    "aria-label": "Search the briefings",
    placeholder: "Search",
    autocapitalize: "off",
    autocorrect: "off",
    autocomplete: "off",
    spellcheck: "false",
    required: "",
    "aria-controls": "bf-search-results",
    "aria-describedby": "bf-search-status",
  });
  var reset = el("button", {
    type: "reset",
    class: "md-search__icon md-icon",
    "aria-label": "Clear the search",
  }, [icon("close")]);
  var form = el("form", { class: "md-search__form", role: "search" }, [
    input,
    el("label", { class: "md-search__icon md-icon", for: "__search", "aria-hidden": "true" }, [
      icon("magnify"),
      icon("back"),
    ]),
    el("div", { class: "md-search__options" }, [reset]),
  ]);
  var status = el("div", {
    class: "md-search-result__meta",
    id: "bf-search-status",
    role: "status",
  }, ["Type to start searching"]);
  var list = el("ol", { class: "md-search-result__list", id: "bf-search-results" });
  var more = el("button", { type: "button", class: "bf-search-more", hidden: "" }, [
    "Show more results",
  ]);
  // The results scroll: a region that the keyboard can scroll too. Hidden while the search
  // is closed, so that nothing invisible is scrollable or focusable.
  var output = el("div", { class: "md-search__output", hidden: "" }, [
    el("div", {
      class: "md-search__scrollwrap",
      role: "region",
      tabindex: "0",
      "aria-label": "Search results",
    }, [
      el("div", { class: "md-search-result" }, [status, list, more]),
    ]),
  ]);
  var dialog = el("div", {
    class: "md-search bf-search",
    id: "bf-search",
    role: "dialog",
    "aria-label": "Search the briefings",
  }, [
    el("label", { class: "md-search__overlay", for: "__search", "aria-hidden": "true" }),
    el("div", { class: "md-search__inner" }, [
      form,
      output,
    ]),
  ]);
  var source = header.querySelector(".md-header__source");
  header.insertBefore(opener, source);
  header.insertBefore(dialog, source);

  // -- Opening and closing --------------------------------------------------------------

  var returnTo = null;

  function setOpen(open) {
    output.hidden = !open;
    if (toggle.checked !== open) {
      toggle.checked = open;
      toggle.dispatchEvent(new Event("change"));
    }
    opener.setAttribute("aria-expanded", String(open));
  }

  function open() {
    if (!toggle.checked) {
      returnTo = document.activeElement === input ? null : document.activeElement;
    }
    setOpen(true);
    if (document.activeElement !== input) {
      input.focus();
    }
    prepare();
  }

  function close() {
    setOpen(false);
    var back = returnTo && document.contains(returnTo) ? returnTo : null;
    returnTo = null;
    if (back && back !== document.body) {
      back.focus();
    } else if (document.activeElement && dialog.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }

  opener.addEventListener("click", open);
  input.addEventListener("focus", function () {
    if (!toggle.checked) {
      open();
    }
  });
  toggle.addEventListener("change", function () {
    output.hidden = !toggle.checked;
    opener.setAttribute("aria-expanded", String(toggle.checked));
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value).then(function () {
      var first = list.querySelector("a");
      if (first) {
        first.click();
      }
    });
  });
  form.addEventListener("reset", function () {
    window.setTimeout(function () {
      search("");
      input.focus();
    });
  });

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var target = event.target;
    var typing = target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (!toggle.checked) {
      // Material's shortcuts for its search: f, s and /
      if (!typing && (event.key === "/" || event.key === "s" || event.key === "f")) {
        event.preventDefault();
        open();
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") {
      return;
    }
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (target !== input && at < 0) {
      return;
    }
    event.preventDefault();
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) {
      input.focus();
    } else if (next < all.length) {
      all[next].focus();
    }
  });

  // -- Pagefind ----------------------------------------------------------------------------

  var engines = null;

  function openLanguage(language, shards) {
    if (!shards.length) {
      return null;
    }
    var options = { baseUrl: ROOT.pathname, excerptLength: 24, ranking: RANKING[language] };
    return import(new URL(shards[0] + "pagefind.js", BUNDLES).href).then(function (api) {
      return api.options(options).then(function () {
        return Promise.all(shards.slice(1).map(function (shard) {
          return api.mergeIndex(new URL(shard, BUNDLES).href, options);
        }));
      }).then(function () {
        return { language: language, api: api };
      });
    });
  }

  function load() {
    if (!engines) {
      engines = fetch(new URL("shards.json", BUNDLES).href, { cache: "no-cache" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("this site was built without its search index");
          }
          return response.json();
        })
        .then(function (manifest) {
          var shards = manifest.shards || {};
          return Promise.all(LANGUAGES.map(function (language) {
            return openLanguage(language, shards[language] || []);
          }));
        })
        .then(function (opened) {
          return opened.filter(Boolean);
        });
      engines.catch(function () {
        engines = null; // try again on the next search
      });
    }
    return engines;
  }

  // Opening the search fetches Pagefind's code and each shard's small metadata, so that
  // the first query only waits for the chunks its words need.
  function prepare() {
    load().catch(function () { /* reported when the reader searches */ });
  }

  // -- Searching -------------------------------------------------------------------------

  var latest = 0;
  var state = null;
  var timer = null;
  var fragments = new Map();

  function fragment(result) {
    if (!fragments.has(result.id)) {
      fragments.set(result.id, result.data());
    }
    return fragments.get(result.id);
  }

  function say(text) {
    status.textContent = text;
  }

  function search(query) {
    var ticket = ++latest;
    query = query.trim();
    if (!query) {
      state = null;
      list.textContent = "";
      list.removeAttribute("data-query");
      more.hidden = true;
      say("Type to start searching");
      return Promise.resolve();
    }
    return load().then(function (opened) {
      return Promise.all(opened.map(function (engine) {
        return engine.api.search(query).then(function (found) {
          var results = found.results.filter(function (result) { return result.score > 0; });
          return { language: engine.language, results: results };
        });
      }));
    }).then(function (lists) {
      if (ticket !== latest) {
        return null;
      }
      state = { query: query, lists: lists, limit: 0 };
      return show(ticket, PAGE);
    }).catch(function (error) {
      if (ticket !== latest) {
        return;
      }
      list.textContent = "";
      list.removeAttribute("data-query");
      more.hidden = true;
      say(window.location.protocol === "file:"
        ? "Search needs the site to be served over HTTP (for example by mkdocs serve)."
        : "Search is not available: " + (error && error.message ? error.message : error));
    });
  }

  // The best `limit` results of each language, each briefing once, with its best score.
  function show(ticket, limit) {
    var candidates = [];
    state.lists.forEach(function (found) {
      found.results.slice(0, limit).forEach(function (result) {
        candidates.push({ language: found.language, result: result });
      });
    });
    return Promise.all(candidates.map(function (c) { return fragment(c.result); }))
      .then(function (data) {
        if (ticket !== latest) {
          return;
        }
        var best = new Map();
        candidates.forEach(function (c, i) {
          var known = best.get(data[i].url);
          if (!known || c.result.score > known.score) {
            best.set(data[i].url, { score: c.result.score, language: c.language, data: data[i] });
          }
        });
        var hits = Array.from(best.values()).sort(function (a, b) { return b.score - a.score; });
        var complete = state.lists.every(function (found) { return found.results.length <= limit; });
        if (!complete) {
          hits = hits.slice(0, limit);
        }
        var before = state.limit ? list.children.length : 0;
        state.limit = limit;
        render(hits, complete, before);
      });
  }

  function render(hits, complete, before) {
    list.textContent = "";
    // Which query the list answers: typing on, the list may still show a shorter one's.
    list.setAttribute("data-query", state.query);
    hits.forEach(function (hit) {
      list.appendChild(item(hit));
    });
    more.hidden = complete;
    if (!hits.length) {
      say("No briefing matches \u201c" + state.query + "\u201d");
    } else if (complete) {
      say(hits.length + (hits.length === 1 ? " briefing" : " briefings") + " found");
    } else {
      say("The " + hits.length + " best matches");
    }
    if (before && list.children[before]) {
      list.children[before].querySelector("a").focus();
    }
  }

  // Pagefind escapes the page text and adds <mark>; still, only text and <mark> are kept.
  function excerpt(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html").body;
    var out = document.createDocumentFragment();
    parsed.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        out.appendChild(el("mark", {}, [node.textContent]));
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function item(hit) {
    var meta = hit.data.meta || {};
    var article = el("article", { class: "md-search-result__article md-typeset bf-search-hit" }, [
      el("div", { class: "md-search-result__icon md-icon", "aria-hidden": "true" }),
      el("p", { class: "bf-search-title", lang: "es" }, [meta.title || hit.data.url]),
    ]);
    if (meta.title_en) {
      article.appendChild(el("p", { class: "bf-search-title-en", lang: "en" }, [meta.title_en]));
    }
    var text = el("p", { class: "bf-search-excerpt", lang: hit.language });
    text.appendChild(excerpt(hit.data.excerpt || ""));
    article.appendChild(text);
    if (meta.date) {
      article.appendChild(el("p", { class: "bf-search-date" }, [
        el("time", { datetime: meta.date }, [meta.date]),
      ]));
    }
    return el("li", { class: "md-search-result__item" }, [
      el("a", { class: "md-search-result__link", href: hit.data.url }, [article]),
    ]);
  }

  input.addEventListener("input", function () {
    var query = input.value;
    window.clearTimeout(timer);
    if (engines && query.trim()) {
      engines.then(function (opened) {
        opened.forEach(function (engine) { engine.api.preload(query.trim()); });
      }).catch(function () { /* reported by the search */ });
    }
    timer = window.setTimeout(function () { search(query); }, 150);
  });

  more.addEventListener("click", function () {
    if (state) {
      show(latest, state.limit + PAGE);
    }
  });
})();
