/* Search the briefings: Material's header search box and dialog, the site's own index behind
 * them (builder/search_index.py).
 *
 * Nothing of the index is fetched until the reader opens the search: then the shards listed
 * in bf-search/shards.json are opened, and each query fetches only the index chunks its words
 * need. Both languages are searched, each with its own stemmer (stemmers.js, the ones the
 * index was made with); a briefing found in both appears once, with both its titles.
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
  var INDEX = new URL("bf-search/", ROOT);
  var STEMMERS = new URL("stemmers.js", script.src);
  var LANGUAGES = ["es", "en"];
  var STEMMER_OF = { es: "spanish", en: "porter" }; // as builder/search_text.py stems
  var PAGE = 10;
  var PREFIX_TERMS = 40; // terms a word still being typed may stand for
  var K1 = 1.2; // BM25's usual constants
  var B = 0.75;
  var EXCERPT = 240; // characters of a sentence shown under a result
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

  // -- The index (builder/search_index.py) -----------------------------------------------
  //
  // bf-search/shards.json lists the shards; each has an index.json (its chunks' first terms,
  // its briefings' lengths per language), term chunks per language and one small file per
  // briefing. A query fetches index.json of every shard once, then for each word the one
  // chunk per shard and language whose range holds the word's term.

  var files = new Map(); // address -> promise of its JSON, fetched once
  var loaded = null; // promise of the shards and the stemmers

  function json(address) {
    if (!files.has(address)) {
      var got = fetch(address).then(function (response) {
        if (!response.ok) {
          throw new Error("the search index is incomplete (" + response.status + ")");
        }
        return response.json();
      });
      got.catch(function () { files.delete(address); }); // try again on the next search
      files.set(address, got);
    }
    return files.get(address);
  }

  function stemmers() {
    if (window.snowballFactory) {
      return Promise.resolve(window.snowballFactory);
    }
    return new Promise(function (resolve, reject) {
      var tag = el("script", { src: STEMMERS.href });
      tag.onload = function () {
        if (window.snowballFactory) {
          resolve(window.snowballFactory);
        } else {
          reject(new Error("the stemmers did not load"));
        }
      };
      tag.onerror = function () { reject(new Error("the stemmers did not load")); };
      document.head.appendChild(tag);
    });
  }

  function load() {
    if (!loaded) {
      loaded = Promise.all([
        fetch(new URL("shards.json", INDEX).href, { cache: "no-cache" }).then(function (response) {
          if (!response.ok) {
            throw new Error("this site was built without its search index");
          }
          return response.json();
        }),
        stemmers(),
      ]).then(function (both) {
        var listed = Array.isArray(both[0].shards) ? both[0].shards : [];
        return Promise.all(listed.map(function (entry) {
          var shard = { base: new URL(String(entry[0]), INDEX), version: String(entry[1]) };
          return json(address(shard, "index.json")).then(function (meta) {
            shard.meta = meta;
            return shard;
          });
        })).then(function (shards) {
          var stem = {};
          LANGUAGES.forEach(function (language) {
            var stemmer = both[1].newStemmer(STEMMER_OF[language]);
            var known = new Map();
            stem[language] = function (word) {
              if (!known.has(word)) {
                known.set(word, stemmer.stem(fold(word)));
              }
              return known.get(word);
            };
          });
          return { shards: shards, term: stem, totals: totals(shards) };
        });
      });
      loaded.catch(function () { loaded = null; });
    }
    return loaded;
  }

  function address(shard, name) {
    return new URL(name, shard.base).href + "?v=" + encodeURIComponent(shard.version);
  }

  // Briefings and words per language, over every shard: what ranking compares against.
  function totals(shards) {
    var found = {};
    LANGUAGES.forEach(function (language) {
      var documents = 0;
      var length = 0;
      shards.forEach(function (shard) {
        var lengths = shard.meta.languages[language].lengths;
        documents += lengths.length;
        lengths.forEach(function (n) { length += n; });
      });
      found[language] = { documents: documents, average: documents ? length / documents : 1 };
    });
    return found;
  }

  // As builder/search_text.py makes words and terms.
  function words(text) {
    return text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) || [];
  }

  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  }

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // The chunk of a shard whose range holds `term` (chunks are in the order of `<`).
  function chunkOf(starts, term) {
    var low = 0;
    var high = starts.length - 1;
    if (high < 0 || term < starts[0]) {
      return -1;
    }
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (starts[middle] <= term) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  function chunk(shard, language, number) {
    return json(address(shard, language + "/" + number + ".json"));
  }

  // The postings of one query word in one shard: term -> posting. A word still being typed
  // also stands for the terms it begins (at most PREFIX_TERMS of them).
  function postingsOf(shard, language, word, term, typing) {
    var starts = shard.meta.languages[language].chunks;
    var wanted = [chunkOf(starts, term)];
    var prefix = typing ? fold(word) : "";
    if (prefix) {
      var first = chunkOf(starts, prefix);
      for (var n = Math.max(first, 0); n < starts.length && n <= first + 2; n++) {
        if (n > first && starts[n].indexOf(prefix) !== 0) {
          break;
        }
        wanted.push(n);
      }
    }
    wanted = wanted.filter(function (n, i) { return n >= 0 && wanted.indexOf(n) === i; });
    return Promise.all(wanted.map(function (n) { return chunk(shard, language, n); }))
      .then(function (chunks) {
        var found = new Map();
        chunks.forEach(function (terms) {
          if (own(terms, term)) {
            found.set(term, terms[term]);
          }
          if (prefix) {
            Object.keys(terms).forEach(function (key) {
              if (found.size < PREFIX_TERMS && key.indexOf(prefix) === 0) {
                found.set(key, terms[key]);
              }
            });
          }
        });
        return found;
      });
  }

  // Okapi BM25 over one language: every word of the query must match.
  function searchLanguage(index, language, query) {
    var list = words(query);
    var typing = !/\s$/.test(query);
    var shards = index.shards;
    var stem = index.term[language];
    var total = index.totals[language];
    return Promise.all(list.map(function (word, at) {
      var term = stem(word);
      return Promise.all(shards.map(function (shard) {
        return postingsOf(shard, language, word, term, typing && at === list.length - 1);
      }));
    })).then(function (perWord) {
      var scores = null;
      perWord.forEach(function (perShard) {
        var frequency = new Map(); // term -> briefings it is in, over every shard
        perShard.forEach(function (found) {
          found.forEach(function (posting, term) {
            frequency.set(term, (frequency.get(term) || 0) + posting.length / 2);
          });
        });
        var word = new Map(); // briefing -> this word's score
        perShard.forEach(function (found, s) {
          var lengths = shards[s].meta.languages[language].lengths;
          found.forEach(function (posting, term) {
            var n = frequency.get(term);
            var idf = Math.log(1 + (total.documents - n + 0.5) / (n + 0.5));
            var at = 0;
            for (var i = 0; i < posting.length; i += 2) {
              at += posting[i];
              var count = posting[i + 1];
              var norm = K1 * (1 - B + B * lengths[at] / total.average);
              var key = s + ":" + at;
              word.set(key, (word.get(key) || 0) + idf * count * (K1 + 1) / (count + norm));
            }
          });
        });
        if (scores === null) {
          scores = word;
        } else {
          var both = new Map();
          scores.forEach(function (score, key) {
            if (word.has(key)) {
              both.set(key, score + word.get(key));
            }
          });
          scores = both;
        }
      });
      var results = [];
      (scores || new Map()).forEach(function (score, key) {
        var parts = key.split(":");
        results.push(result(index, shards[+parts[0]], +parts[1], score, language, perWord));
      });
      results.sort(function (a, b) { return b.score - a.score || (a.id < b.id ? -1 : 1); });
      return { language: language, results: results };
    });
  }

  function result(index, shard, number, score, language, perWord) {
    var terms = new Set();
    perWord.forEach(function (perShard) {
      perShard[index.shards.indexOf(shard)].forEach(function (posting, term) {
        terms.add(term);
      });
    });
    return {
      id: shard.base.href + "#" + number,
      score: score,
      data: function () {
        return json(address(shard, "docs/" + number + ".json")).then(function (doc) {
          return briefing(doc, language, terms, index.term[language]);
        });
      },
    };
  }

  // What a result shows: the titles (the leading one first), the date, and the sentence of
  // the searched language that holds the most of the query's terms, with them marked.
  function briefing(doc, language, terms, stem) {
    var link = new URL(String(doc.url || ""), ROOT);
    var titles = Array.isArray(doc.titles) ? doc.titles : [];
    var sentences = (doc.text && Array.isArray(doc.text[language])) ? doc.text[language] : [];
    var best = "";
    var most = -1;
    sentences.forEach(function (sentence) {
      var hits = words(String(sentence)).filter(function (w) { return terms.has(stem(w)); });
      if (hits.length > most) {
        best = String(sentence);
        most = hits.length;
      }
    });
    return {
      url: link.origin === ROOT.origin ? link.pathname + link.search : null,
      titles: titles.filter(Array.isArray).map(function (t) {
        return { lang: String(t[0]), text: String(t[1]) };
      }),
      date: typeof doc.date === "string" ? doc.date : "",
      excerpt: marked(best, terms, stem),
    };
  }

  // `text` as text nodes, the words whose term was searched in <mark>; a long sentence is
  // cut to the part around its first mark.
  function marked(text, terms, stem) {
    var pattern = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
    var pieces = [];
    var last = 0;
    var match;
    var first = -1;
    while ((match = pattern.exec(text)) !== null) {
      if (terms.has(stem(match[0].normalize("NFC").toLowerCase()))) {
        pieces.push([text.slice(last, match.index), false]);
        pieces.push([match[0], true]);
        last = match.index + match[0].length;
        if (first < 0) {
          first = match.index;
        }
      }
    }
    pieces.push([text.slice(last), false]);
    var out = document.createDocumentFragment();
    var start = first > EXCERPT / 2 ? first - EXCERPT / 4 : 0;
    var at = 0;
    if (start) {
      out.appendChild(document.createTextNode("\u2026"));
    }
    pieces.forEach(function (piece) {
      var from = Math.max(start - at, 0);
      var to = Math.min(start + EXCERPT - at, piece[0].length);
      at += piece[0].length;
      if (to <= from) {
        return;
      }
      var part = piece[0].slice(from, to);
      out.appendChild(piece[1] ? el("mark", {}, [part]) : document.createTextNode(part));
    });
    if (text.length > start + EXCERPT) {
      out.appendChild(document.createTextNode("\u2026"));
    }
    return out;
  }

  // Opening the search fetches the stemmers and each shard's small index.json, so that the
  // first query only waits for the chunks its words need.
  function prepare() {
    load().catch(function () { /* reported when the reader searches */ });
  }

  // -- Searching -------------------------------------------------------------------------

  var latest = 0;
  var state = null;
  var timer = null;

  function say(text) {
    status.textContent = text;
  }

  function search(query) {
    var ticket = ++latest;
    if (!query.trim()) {
      state = null;
      list.textContent = "";
      list.removeAttribute("data-query");
      more.hidden = true;
      say("Type to start searching");
      return Promise.resolve();
    }
    return load().then(function (index) {
      return Promise.all(LANGUAGES.map(function (language) {
        return searchLanguage(index, language, query);
      }));
    }).then(function (lists) {
      if (ticket !== latest) {
        return null;
      }
      state = { query: query.trim(), lists: lists, limit: 0 };
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
    return Promise.all(candidates.map(function (c) { return c.result.data(); }))
      .then(function (data) {
        if (ticket !== latest) {
          return;
        }
        var best = new Map();
        candidates.forEach(function (c, i) {
          if (!data[i].url) {
            return;
          }
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

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  // "2024-05-02" as the pages say it, "2 May 2024" (builder/render.py's long_date); a date
  // of another shape is shown as it is.
  function longDate(iso) {
    var parts = /^(\d{4})-(\d\d)-(\d\d)$/.exec(iso);
    var month = parts ? MONTHS[Number(parts[2]) - 1] : undefined;
    return month ? Number(parts[3]) + " " + month + " " + parts[1] : iso;
  }

  function item(hit) {
    var data = hit.data;
    var lead = data.titles[0] || { lang: "es", text: data.url };
    var article = el("article", { class: "md-search-result__article md-typeset bf-search-hit" }, [
      el("div", { class: "md-search-result__icon md-icon", "aria-hidden": "true" }),
      el("p", { class: "bf-search-title", lang: lead.lang }, [lead.text]),
    ]);
    data.titles.slice(1, 2).forEach(function (other) {
      article.appendChild(el("p", { class: "bf-search-title-en", lang: other.lang }, [other.text]));
    });
    var text = el("p", { class: "bf-search-excerpt", lang: hit.language });
    text.appendChild(data.excerpt.cloneNode(true));
    article.appendChild(text);
    if (data.date) {
      article.appendChild(el("p", { class: "bf-search-date" }, [
        el("time", { datetime: data.date }, [longDate(data.date)]),
      ]));
    }
    return el("li", { class: "md-search-result__item" }, [
      el("a", { class: "md-search-result__link", href: data.url }, [article]),
    ]);
  }

  input.addEventListener("input", function () {
    var query = input.value;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(query); }, 150);
  });

  more.addEventListener("click", function () {
    if (state) {
      show(latest, state.limit + PAGE);
    }
  });
})();
