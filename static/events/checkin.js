/* Check-in at the door: taps that survive a dropped connection, and a search that filters the
 * loaded list as you type.
 *
 * Progressive enhancement: without this script every tap is a plain form post and the search
 * a GET form. With it, a tap changes the row at once and goes into a queue kept in
 * localStorage (one per event), sent in order, one at a time, whenever the connection allows;
 * "n waiting to send" shows what has not reached the server. Sending is idempotent on the
 * server (checking in twice changes nothing), so a tap sent again after a lost answer is
 * harmless, and an undo queued after a check-in is applied after it.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-checkin]");
  if (!root || !window.fetch || !window.localStorage || !window.JSON) {
    return;
  }

  var KEY = "ccc-checkin-queue:" + root.getAttribute("data-event");
  var KHMER_DIGITS = "០១២៣៤៥៦៧៨៩";
  var khmer = (document.documentElement.lang || "").indexOf("km") === 0;
  var RETRY_MS = 5000;
  var POLL_MS = 15000;
  var flushing = false;
  var stopped = false; // the login expired: wait for a reload or the next tap

  function localDigits(value) {
    var text = String(value);
    return khmer ? text.replace(/[0-9]/g, function (d) { return KHMER_DIGITS[d]; }) : text;
  }

  // --- The queue ------------------------------------------------------------------------

  function load() {
    try {
      var queue = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(queue) ? queue : [];
    } catch (error) {
      return [];
    }
  }

  function save(queue) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(queue));
    } catch (error) {
      // Storage full or refused: the taps still go out while the page stays open.
    }
    showQueue(queue);
  }

  function showQueue(queue) {
    var label = root.querySelector("[data-queue]");
    if (!label) {
      return;
    }
    label.hidden = queue.length === 0;
    label.textContent = queue.length
      ? root.getAttribute("data-queue-text").replace("{n}", localDigits(queue.length))
      : "";
    var waiting = {};
    queue.forEach(function (item) { waiting[item.id] = true; });
    Array.prototype.forEach.call(root.querySelectorAll("[data-registration]"), function (row) {
      row.classList.toggle("is-pending", !!waiting[row.getAttribute("data-registration")]);
    });
  }

  function say(text) {
    var live = root.querySelector("[data-live]");
    if (live) {
      live.textContent = text || "";
    }
  }

  // --- Rows -----------------------------------------------------------------------------

  function rowOf(id) {
    return root.querySelector('[data-registration="' + id + '"]');
  }

  function setAttended(row, attended) {
    var form = row && row.querySelector("form.checkin-tap");
    if (!form) {
      return;
    }
    row.classList.toggle("is-attended", attended);
    form.querySelector('input[name="action"]').value = attended ? "undo" : "mark";
    var button = form.querySelector("button");
    var template = root.querySelector('template[data-button="' + (attended ? "undo" : "mark") + '"]');
    button.textContent = "";
    button.appendChild(template.content.cloneNode(true));
    button.classList.toggle("btn-success", attended);
    button.classList.toggle("btn-primary", !attended);
  }

  function showCounts(counts) {
    if (!counts || !counts.text) {
      return;
    }
    Object.keys(counts.text).forEach(function (name) {
      var cell = root.querySelector('[data-count="' + name + '"]');
      if (cell) {
        cell.textContent = counts.text[name];
      }
    });
  }

  // The queue's last word on each row, shown until the server has it.
  function applyQueue(queue) {
    queue.forEach(function (item) {
      setAttended(rowOf(item.id), item.action === "mark");
    });
    showQueue(queue);
  }

  // --- Sending --------------------------------------------------------------------------

  function csrfToken() {
    var input = root.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function send(item) {
    var body = new FormData();
    body.append("action", item.action);
    body.append("csrfmiddlewaretoken", csrfToken());
    return fetch(item.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      redirect: "manual"
    });
  }

  function dropFirst() {
    var queue = load();
    queue.shift();
    save(queue);
    return queue;
  }

  function stillQueued(id) {
    return load().some(function (item) { return item.id === id; });
  }

  function flush() {
    if (flushing || stopped) {
      return;
    }
    var queue = load();
    showQueue(queue);
    if (!queue.length) {
      return;
    }
    flushing = true;
    var item = queue[0];
    send(item).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        // A redirect to the login page (opaque) or a 403: the login has expired. Keep the
        // taps; they go once the person has logged in again and taps or reloads.
        if (response.type === "opaqueredirect" || response.status === 403) {
          stopped = true;
          say(root.getAttribute("data-login-text"));
          return false;
        }
        if (response.status >= 500) {
          return false; // the server is having trouble: try again later
        }
        dropFirst();
        say(root.getAttribute("data-failed-text"));
        return true;
      }
      return response.json().then(function (data) {
        dropFirst();
        say(data.message);
        showCounts(data.counts);
        if (!stillQueued(item.id)) {
          setAttended(rowOf(item.id), data.status === "attended");
        }
        return true;
      });
    }, function () {
      say(root.getAttribute("data-offline-text"));
      return false; // no connection: keep the tap
    }).then(function (sent) {
      flushing = false;
      if (sent) {
        flush();
      } else if (!stopped) {
        window.setTimeout(flush, RETRY_MS);
      }
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("checkin-tap")) {
      return;
    }
    event.preventDefault();
    var row = form.closest("[data-registration]");
    var action = form.querySelector('input[name="action"]').value;
    var queue = load();
    // getAttribute: form.action would be the input named "action".
    var url = new URL(form.getAttribute("action"), window.location.href).href;
    queue.push({ id: row.getAttribute("data-registration"), action: action, url: url });
    save(queue);
    setAttended(row, action === "mark");
    stopped = false;
    flush();
  });

  window.addEventListener("online", flush);

  // --- Other staff's taps: the counts and who is checked in, now and then ------------------

  function poll() {
    if (document.hidden || load().length || flushing) {
      return;
    }
    fetch(root.getAttribute("data-counts-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      redirect: "manual"
    }).then(function (response) {
      if (!response.ok) {
        return;
      }
      return response.json().then(function (data) {
        if (load().length) {
          return;
        }
        showCounts(data.counts);
        var attended = {};
        data.attended.forEach(function (id) { attended[id] = true; });
        Array.prototype.forEach.call(root.querySelectorAll("[data-registration]"), function (row) {
          setAttended(row, !!attended[row.getAttribute("data-registration")]);
        });
      });
    }, function () {});
  }

  window.setInterval(poll, POLL_MS);

  // --- The search, on the loaded list as you type (the form still asks the server) ----------

  var SPELLINGS = [
    ["\u17c1\u17b6", "\u17c4"],
    ["\u17c1\u17b8", "\u17be"],
    ["\u17c6\u17b6", "\u17b6\u17c6"],
    ["\u17c6\u17bb", "\u17bb\u17c6"],
    ["\u17b2", "\u17b1"],
    ["\u17d2\u178a", "\u17d2\u178f"]
  ];

  // Punctuation, symbols and spaces separate words (older browsers lack \p{…}: ASCII ones then).
  var SEPARATORS;
  try {
    SEPARATORS = new RegExp("[^\\p{L}\\p{M}\\p{N}]+", "gu");
  } catch (error) {
    SEPARATORS = /[\s!-\/:-@[-`{-~\u00a0-\u00bf\u17d4-\u17d6\u2000-\u206f]+/g;
  }

  // As core.text.normalise_search compares text (see search_text in events/checkin.py).
  function searchTerms(text) {
    text = String(text || "").normalize("NFC").replace(/[\u200b\u200c\u200d\u2060\ufeff]/g, "");
    text = text.replace(/(\u17d2\u179a)(\u17d2[\u1780-\u17a2])/g, "$2$1");
    SPELLINGS.forEach(function (pair) { text = text.split(pair[0]).join(pair[1]); });
    text = text.replace(/[០-៩]/g, function (d) { return String(KHMER_DIGITS.indexOf(d)); });
    text = text.replace(/[.'\u2019\u2018\u00b7]/g, "");
    text = text.replace(SEPARATORS, " ").toLowerCase();
    return text.split(" ").filter(Boolean);
  }

  var search = root.querySelector("#checkin-q");
  var list = root.querySelector("[data-list]");
  if (search && list) {
    search.addEventListener("input", function () {
      var terms = searchTerms(search.value);
      var shown = 0;
      Array.prototype.forEach.call(list.children, function (row) {
        var haystack = row.getAttribute("data-search") || "";
        var match = terms.every(function (term) { return haystack.indexOf(term) !== -1; });
        row.hidden = !match;
        shown += match ? 1 : 0;
      });
      var none = root.querySelector("[data-no-match]");
      if (none) {
        none.hidden = shown > 0;
      }
    });
  }

  applyQueue(load());
  flush();
})();
