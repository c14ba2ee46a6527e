/* Display wall: draws the snapshot, follows the live stream, announces calls, heals itself.
   Dependency-free. Every list is redrawn with a fixed number of rows, so the DOM stays the
   same size however long the wall runs. */
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  var base = "/bigscreen/" + wall.dataset.screen;
  var params = new URLSearchParams(location.search);
  var cfg = null;
  var calls = [];               // newest first, at most recent_calls + 1
  var seen = new Set();         // call ids drawn (bounded below)
  var seenOrder = [];
  var lastCallId = null;        // the stream resumes after it
  var source = null;
  var attempts = 0;
  var reconnectTimer = null;
  var refreshTimer = null;
  var connectedAt = 0;
  var rows = { results: [], stats: [] };
  var pages = { results: 0, stats: 0 };
  // For tests and operators: what the wall received and announced (bounded).
  var probe = window.__bigscreen = { received: [], announced: [], online: false, reconnects: 0 };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function remember(list, value, max) { list.push(value); if (list.length > max) list.shift(); }
  function setOnline(on) {
    probe.online = on;
    document.getElementById("offline").hidden = on;
  }

  // --- snapshot ---------------------------------------------------------------------------
  function fetchState() {
    return fetch(base + "/state", { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("state " + r.status);
      return r.json();
    });
  }
  function checkVersion(version) {
    if (version && version !== wall.dataset.version) location.reload();
  }
  function applyState(state, withCalls) {
    checkVersion(state.version);
    cfg = state.screen;
    if (withCalls) {
      calls = state.calls.slice(0, cfg.recent_calls + 1);
      calls.forEach(function (c) { markSeen(c.id); });
      lastCallId = state.last_call_id;
      drawCalls(false);
    }
    drawWaiting(state.waiting);
    rows.results = state.results;
    rows.stats = state.stats.departments;
    drawResults();
    drawStats(state.stats.total);
    drawNotices(state.notices);
  }

  // --- calls ------------------------------------------------------------------------------
  function markSeen(id) {
    if (seen.has(id)) return;
    seen.add(id); seenOrder.push(id);
    if (seenOrder.length > 500) seen.delete(seenOrder.shift());
  }
  function onCall(call) {
    if (seen.has(call.id)) return;        // a repeat across a reconnect: drawn once
    markSeen(call.id);
    lastCallId = Math.max(lastCallId || 0, call.id);
    remember(probe.received, call.id, 2000);
    calls.unshift(call);
    calls.length = Math.min(calls.length, cfg.recent_calls + 1);
    drawCalls(true);
    if (!call.stale) announce(call);
  }
  function drawCalls(flash) {
    var box = document.getElementById("current");
    if (!box) return;
    var now = calls[0];
    var fresh = box.cloneNode(false);     // a new node restarts the flash animation
    fresh.appendChild(el("span", "ticket", now ? now.ticket : "—"));
    fresh.appendChild(el("span", "to", "请到"));
    fresh.appendChild(el("span", "window", now ? now.window : "—"));
    fresh.appendChild(el("span", "to", "号窗口"));
    if (now && now.recall) fresh.appendChild(el("span", "recall", "重呼"));
    fresh.className = "current" + (flash ? " flash" : "");
    box.replaceWith(fresh);
    var list = document.getElementById("recent");
    var items = calls.slice(1).map(function (c) {
      var li = el("li");
      li.appendChild(el("span", "t", c.ticket + (c.recall ? " 重呼" : "")));
      li.appendChild(el("span", "w", c.window + " 号窗口"));
      return li;
    });
    list.replaceChildren.apply(list, items);
  }
  function drawWaiting(waiting) {
    var box = document.getElementById("waiting");
    if (!box) return;
    var parts = [el("span", "", "等候人数：")];
    waiting.forEach(function (w) {
      var entry = el("span", "entry", w.prefix + " " + w.name + " ");
      entry.appendChild(el("b", "", String(w.waiting)));
      parts.push(entry);
    });
    box.replaceChildren.apply(box, parts);
  }

  // --- publication, statistics, notices: fixed-size pages that turn, never scroll ---------
  function pageOf(kind) {
    var size = Math.max(1, cfg.results_per_page);
    var count = Math.max(1, Math.ceil(rows[kind].length / size));
    pages[kind] = pages[kind] % count;
    var label = document.getElementById(kind + "-page");
    if (label) label.textContent = count > 1 ? (pages[kind] + 1) + " / " + count : "";
    return rows[kind].slice(pages[kind] * size, pages[kind] * size + size);
  }
  function drawRows(id, cells, empty) {
    var body = document.getElementById(id);
    if (!body) return;
    var trs = cells.map(function (values) {
      var tr = el("tr");
      values.forEach(function (v) { tr.appendChild(el("td", "", v)); });
      return tr;
    });
    if (!trs.length) {
      var tr = el("tr"); var td = el("td", "empty", empty); td.colSpan = 5;
      tr.appendChild(td); trs.push(tr);
    }
    body.replaceChildren.apply(body, trs);
  }
  function drawResults() {
    drawRows("results", pageOf("results").map(function (r) {
      return [r.item_name, r.masked_applicant, r.department, r.result_label || "办结",
              r.concluded_at];
    }), "今日暂无办结公示");
  }
  function rate(v) { return v === null ? "—" : v + "%"; }
  function drawStats(total) {
    var box = document.getElementById("totals");
    if (!box) return;
    var figures = [["今日受理", total.accepted_today, ""], ["今日办结", total.concluded_today, ""],
                   ["按时办结率", rate(total.on_time_rate), ""],
                   ["超期未办结", total.overdue, total.overdue ? "bad" : ""]];
    box.replaceChildren.apply(box, figures.map(function (f) {
      var d = el("div", f[2], f[0]); d.insertBefore(el("b", "", String(f[1])), d.firstChild);
      return d;
    }));
    drawRows("stats", pageOf("stats").map(function (s) {
      return [s.department, String(s.accepted_today), String(s.concluded_today),
              rate(s.on_time_rate), String(s.overdue)];
    }), "暂无数据");
  }
  var notices = [], noticeIndex = 0;
  function drawNotices(list) { notices = list; showNotice(); }
  function showNotice() {
    var box = document.getElementById("notice");
    if (box) box.textContent = notices.length ? notices[noticeIndex % notices.length] : "";
  }
  function turnPages() {
    if (!cfg) return;
    pages.results += 1; pages.stats += 1; noticeIndex += 1;
    drawResults();
    if (rows.stats.length > cfg.results_per_page) {
      drawRows("stats", pageOf("stats").map(function (s) {
        return [s.department, String(s.accepted_today), String(s.concluded_today),
                rate(s.on_time_rate), String(s.overdue)];
      }), "暂无数据");
    }
    showNotice();
  }
  var rotation = 0;
  function rotate() {
    var others = Array.prototype.filter.call(wall.querySelectorAll(".panel"), function (p) {
      return p.dataset.panel !== "calls";
    });
    if (others.length < 2) return;
    wall.classList.add("rotating");
    rotation = (rotation + 1) % others.length;
    others.forEach(function (p, i) { p.classList.toggle("rotated-out", i !== rotation); });
  }

  // --- announcements: chime, then the spoken call, one call at a time, in order ----------
  var pending = [], speaking = false;
  var chime = new Audio("/bigscreen/_static/chime.wav");
  var voice = new Audio();
  function speechOn() { return cfg && cfg.speech && params.get("speech") !== "0"; }
  function announce(call) {
    pending.push(call);
    if (pending.length > 20) pending.shift();   // a long outage must not queue an hour of speech
    if (!speaking) next();
  }
  function play(audio, src) {
    return new Promise(function (resolve, reject) {
      var guard = setTimeout(resolve, 15000);   // never stall the queue on a lost "ended"
      audio.onended = function () { clearTimeout(guard); resolve(); };
      audio.onerror = function () { clearTimeout(guard); reject(new Error("audio")); };
      if (src) audio.src = src; else audio.currentTime = 0;
      var started = audio.play();
      if (started && started.catch) started.catch(function (e) { clearTimeout(guard); reject(e); });
    });
  }
  function browserVoice(call) {
    return new Promise(function (resolve) {
      if (!window.speechSynthesis) return resolve();
      var u = new SpeechSynthesisUtterance("请" + call.ticket.split("").join(" ") + "号到" +
                                           call.window + "号窗口办理");
      u.lang = "zh-CN"; u.onend = resolve; u.onerror = resolve;
      setTimeout(resolve, 15000);
      speechSynthesis.speak(u);
    });
  }
  function next() {
    var call = pending.shift();
    if (!call) { speaking = false; return; }
    speaking = true;
    remember(probe.announced, call.id, 2000);
    var src = "/bigscreen/_speech/announce.wav?ticket=" + encodeURIComponent(call.ticket) +
              "&window=" + encodeURIComponent(call.window);
    play(chime).catch(function () {}).then(function () {
      if (!speechOn()) return;
      return play(voice, src).catch(function () { return browserVoice(call); });
    }).then(next, next);
  }

  // --- the live stream, with backoff, resume and an offline badge ------------------------
  function connect() {
    reconnectTimer = null;
    var url = base + "/stream" + (lastCallId === null ? "" : "?last_id=" + lastCallId);
    source = new EventSource(url);
    source.addEventListener("hello", function (e) {
      var hello = JSON.parse(e.data);
      checkVersion(hello.version);
      if (attempts > 0) { probe.reconnects += 1; refreshSoon(0); }
      attempts = 0; connectedAt = Date.now();
      setOnline(true);
    });
    source.addEventListener("call", function (e) { onCall(JSON.parse(e.data)); });
    source.addEventListener("changed", function () { refreshSoon(3000); });
    // We reconnect ourselves (with backoff, and from the last id we drew) instead of
    // relying on EventSource's fixed retry.
    source.onerror = function () {
      if (source) source.close();
      source = null;
      setOnline(false);
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    if (reconnectTimer) return;
    var ceiling = Math.min(cfg.reconnect_max_ms, cfg.reconnect_min_ms * Math.pow(2, attempts));
    attempts += 1;
    reconnectTimer = setTimeout(connect, ceiling / 2 + Math.random() * ceiling / 2);
  }
  function refreshSoon(spread) {
    // Jitter so that a hall of screens does not ask for the snapshot in the same instant.
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      fetchState().then(function (s) { applyState(s, false); }).catch(function () {});
    }, Math.random() * spread);
  }
  function backupPoll() {
    fetchState().then(function (s) {
      applyState(s, false);
      // A stream that looks open but carries nothing: restart it (it catches up by id).
      if (source && s.last_call_id > (lastCallId || 0) && Date.now() - connectedAt > 10000) {
        source.close(); source = null; setOnline(false); scheduleReconnect();
      }
    }).catch(function () { setOnline(false); });
  }
  function versionPoll() {
    fetch("/bigscreen/_version", { cache: "no-store" }).then(function (r) { return r.json(); })
      .then(function (v) { checkVersion(v.version); }).catch(function () {});
  }
  function tick() {
    // The hall's time whatever the kiosk's own time zone is set to.
    document.getElementById("clock").textContent = new Date().toLocaleTimeString("zh-CN", {
      timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function start() {
    fetchState().then(function (state) {
      applyState(state, true);
      connect();
      setInterval(backupPoll, cfg.snapshot_poll_seconds * 1000);
      setInterval(versionPoll, cfg.version_poll_seconds * 1000);
      setInterval(turnPages, cfg.page_seconds * 1000);
      if (cfg.rotation_seconds > 0) { rotate(); setInterval(rotate, cfg.rotation_seconds * 1000); }
    }).catch(function () {
      setOnline(false);
      setTimeout(start, 5000);   // the server is away on first load: try again
    });
  }
  tick(); setInterval(tick, 10000);
  start();
})();
