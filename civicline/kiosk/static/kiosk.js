/* civicline kiosk: screens, on-screen keypads, idle reset and reconnecting, no dependencies.
   Every text from the server goes in with textContent; only our own QR SVG uses innerHTML. */
(() => {
  "use strict";

  const body = document.body;
  const seconds = (name, fallback) => {
    const value = parseFloat(body.dataset[name]);
    return (value > 0 ? value : fallback) * 1000;
  };
  const cfg = {
    idle: seconds("idleSeconds", 60),
    resultIdle: seconds("resultIdleSeconds", 30),
    countdown: seconds("countdownSeconds", 20),
    queuePoll: seconds("queuePollSeconds", 5),
    reconnect: seconds("reconnectSeconds", 3),
    queue: body.dataset.queue === "on",
  };
  const kioskId = new URLSearchParams(location.search).get("kiosk") || "";
  const $ = (id) => document.getElementById(id);
  const MAX_CASE_NO = 40;
  const CODE_LENGTH = 6;

  /* ---- elements ---------------------------------------------------------------------- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(label, onTap, className) {
    const node = el("button", className || "item", label);
    node.type = "button";
    node.addEventListener("click", onTap);
    return node;
  }

  function factList(facts) {
    const list = el("dl", "facts");
    for (const fact of facts) {
      if (!fact.value) continue;
      const row = el("div", "fact");
      row.append(el("dt", "", fact.label), el("dd", "", fact.value));
      list.append(row);
    }
    return list;
  }

  /* ---- network: any failure to reach the server shows the calm reconnecting state ---- */

  class Offline extends Error {}
  class Refused extends Error {}
  let offline = false;

  async function api(path, options) {
    const init = Object.assign({ cache: "no-store", headers: {} }, options || {});
    if (kioskId) init.headers["X-Kiosk-Id"] = kioskId;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 8000);
    init.signal = abort.signal;
    let response;
    let data = null;
    try {
      response = await fetch("api/" + path, init);
      data = await response.json();
    } catch (error) {
      goOffline();
      throw new Offline("offline");
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500) {
      goOffline();
      throw new Offline("server error");
    }
    if (!response.ok) throw new Refused((data && (data.detail || data.title)) || "请求失败");
    return data;
  }

  function post(path, payload) {
    return api(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
  }

  function goOffline() {
    if (offline) return;
    offline = true;
    $("reconnect").hidden = false;
    setTimeout(tryReconnect, cfg.reconnect);
  }

  async function tryReconnect() {
    try {
      const response = await fetch("api/ping", { cache: "no-store" });
      if (!response.ok) throw new Error("not yet");
      offline = false;
      $("reconnect").hidden = true;
      if (current() === homeView) pollQueue();
    } catch (error) {
      setTimeout(tryReconnect, cfg.reconnect);
    }
  }

  /* ---- navigation: a stack of views; each view knows how to (re)draw its screen ------ */

  let stack = [];
  let navSeq = 0;
  const current = () => stack[stack.length - 1];

  function show(view) {
    for (const screen of document.querySelectorAll(".screen")) {
      screen.hidden = screen.dataset.screen !== view.screen;
    }
    const section = document.querySelector(`.screen[data-screen="${view.screen}"]`);
    $("bar-title").textContent = view.title || (section && section.dataset.title) || "";
    $("btn-back").disabled = stack.length <= 1;
    body.dataset.screen = view.screen;
    window.scrollTo(0, 0);
    if (section) section.scrollTop = 0;
  }

  async function go(view) {
    const seq = ++navSeq;
    try {
      if (view.enter) await view.enter();
    } catch (error) {
      if (error instanceof Refused) toast(error.message);
      return;
    }
    if (seq !== navSeq) return; // a later tap won
    const top = current();
    if (top && top !== view) {
      if (top.leave) top.leave();
      if (top.transient) stack.pop();
    }
    if (current() !== view) stack.push(view);
    show(view);
    touched();
  }

  async function back() {
    const top = current();
    if (top && top.back && top.back()) return;
    if (stack.length <= 1) return home();
    const previous = stack[stack.length - 2];
    const seq = ++navSeq;
    try {
      if (previous.enter) await previous.enter();
    } catch (error) {
      return;
    }
    if (seq !== navSeq) return;
    if (top.leave) top.leave();
    stack.pop();
    show(previous);
  }

  function home() {
    navSeq++;
    clearContent();
    stack = [homeView];
    show(homeView);
    pollQueue();
  }

  /* ---- home and the queue tile -------------------------------------------------------- */

  const homeView = { screen: "home" };

  async function pollQueue() {
    if (!cfg.queue || offline || current() !== homeView) return;
    let data;
    try {
      data = await api("queue");
    } catch (error) {
      return;
    }
    const list = $("calls-list");
    list.replaceChildren();
    for (const call of data.calls) {
      const row = el("li", "call" + (call.recall ? " recall" : ""));
      row.append(el("span", "call-ticket", call.ticket), el("span", "call-arrow", "→"),
        el("span", "call-window", call.window + " 号窗口"));
      if (call.recall) row.append(el("span", "call-recall", "重呼"));
      list.append(row);
    }
    $("calls-empty").hidden = data.calls.length > 0;
    $("calls-waiting").textContent = data.categories
      .map((c) => `${c.name} 等候 ${c.waiting} 人`).join("　");
    for (const c of data.categories) {
      const hint = document.querySelector(`[data-waiting="${c.prefix}"]`);
      if (hint) hint.textContent = `等候 ${c.waiting} 人`;
    }
  }

  /* ---- case lookup: number, then query code, on the 12-key pad ----------------------- */

  const caseState = { number: "", code: "", step: "number" };

  const caseView = {
    screen: "case",
    enter() { caseState.code = ""; drawCaseEntry(); },
    back() {
      if (caseState.step !== "code") return false;
      caseState.step = "number";
      caseState.code = "";
      drawCaseEntry();
      return true;
    },
  };

  function drawCaseEntry() {
    const number = caseState.step === "number";
    $("case-prompt").textContent = number ? "请输入办件编号" : "请输入 6 位查询码";
    $("case-hint").textContent = number
      ? "办件编号印在受理回执上"
      : `办件 ${groupDigits(caseState.number)} · 查询码印在受理回执上，输入时请注意遮挡`;
    $("case-display").textContent = number
      ? groupDigits(caseState.number)
      : "●".repeat(caseState.code.length);
    $("case-display").classList.toggle("masked", !number);
    $("case-error").textContent = "";
    for (const actions of document.querySelectorAll("#screen-case [data-step]")) {
      actions.hidden = actions.dataset.step !== caseState.step;
    }
  }

  function groupDigits(text) {
    return text.replace(/(.{4})(?=.)/g, "$1 ");
  }

  function caseKey(key) {
    const field = caseState.step === "number" ? "number" : "code";
    const limit = field === "number" ? MAX_CASE_NO : CODE_LENGTH;
    if (key === "clear") caseState[field] = "";
    else if (key === "back") caseState[field] = caseState[field].slice(0, -1);
    else if (caseState[field].length < limit) caseState[field] += key;
    drawCaseEntry();
  }

  function caseNext() {
    if (!caseState.number) return caseError("请先输入办件编号");
    caseState.step = "code";
    drawCaseEntry();
  }

  function caseError(message) {
    $("case-error").textContent = message;
  }

  async function caseLookup(withCode) {
    if (!caseState.number) return caseError("请先输入办件编号");
    if (withCode && caseState.code.length !== CODE_LENGTH) {
      return caseError("查询码为 6 位数字");
    }
    const payload = { case_no: caseState.number };
    if (withCode) payload.code = caseState.code;
    let answer;
    try {
      answer = await post("case", payload);
    } catch (error) {
      if (error instanceof Refused) caseError(error.message);
      return;
    } finally {
      caseState.code = ""; // a code is used once and never kept on the page
    }
    caseState.step = "number";
    go(caseResultView(answer));
  }

  function caseResultView(answer) {
    return {
      screen: "case-result",
      title: answer.full ? "办件详情" : "办件进度",
      transient: true, // never reached again with Back: a full view is not kept
      enter() { drawCaseResult(answer); },
      leave() { $("case-result").replaceChildren(); },
    };
  }

  function drawCaseResult(answer) {
    const box = $("case-result");
    box.replaceChildren();
    box.dataset.kind = answer.kind;
    box.dataset.view = answer.full ? "full" : "public";
    const badge = answer.case_no
      ? el("p", "badge " + (answer.full ? "badge-full" : "badge-public"),
        answer.full ? "详细信息（已验证查询码）" : "公开信息")
      : null;
    if (badge) box.append(badge);
    box.append(el("h2", "result-title", answer.title));
    if (answer.message) box.append(el("p", "result-message", answer.message));
    if (answer.facts.length) box.append(factList(answer.facts));
    for (const step of answer.next_steps) box.append(el("p", "next-step", step));
    if (answer.timeline.length) {
      box.append(el("h3", "", "办理过程"));
      const list = el("ol", "timeline");
      for (const item of answer.timeline) {
        const row = el("li", "");
        row.append(el("span", "when", item.at), el("span", "what", item.label));
        if (item.note) row.append(el("span", "note secondary", item.note));
        list.append(row);
      }
      box.append(list);
    }
    const canUseCode = answer.kind === "case_public" || answer.kind === "wrong_code";
    $("case-enter-code").hidden = !canUseCode;
  }

  /* ---- guide search: letter pad with live suggestions -------------------------------- */

  const searchState = { text: "", seq: 0, timer: 0 };

  const searchView = {
    screen: "search",
    enter() { drawSearch(); },
  };

  function drawSearch() {
    $("search-display").textContent = searchState.text;
    if (!searchState.text) $("suggestions").replaceChildren();
  }

  function searchKey(key) {
    if (key === "clear") searchState.text = "";
    else if (key === "back") searchState.text = searchState.text.slice(0, -1);
    else if (searchState.text.length < 20) searchState.text += key;
    drawSearch();
    clearTimeout(searchState.timer);
    if (searchState.text) searchState.timer = setTimeout(suggest, 120);
  }

  async function suggest() {
    const seq = ++searchState.seq;
    const text = searchState.text;
    let data;
    try {
      data = await api("suggest?q=" + encodeURIComponent(text));
    } catch (error) {
      return;
    }
    if (seq !== searchState.seq || text !== searchState.text) return; // typed on since
    const box = $("suggestions");
    box.replaceChildren();
    if (!data.items.length) {
      box.append(el("p", "suggest-empty", "没有匹配的提示，可直接点“搜索”"));
      return;
    }
    for (const word of data.items.slice(0, 8)) {
      box.append(button(word, () => go(listView(guideSearchSpec(word))), "suggestion"));
    }
  }

  /* ---- lists: search results, departments, life events, results publication ---------- */

  function pageSize() {
    return document.documentElement.classList.contains("elder") ? 4 : 8;
  }

  function listView(spec) {
    const view = {
      screen: "list",
      title: spec.title,
      page: 1,
      async enter() {
        const data = await api(spec.url(view.page, pageSize()));
        drawList(spec, data);
      },
    };
    return view;
  }

  function drawList(spec, data) {
    $("list-title").textContent = spec.heading || data.title || spec.title;
    const note = (data.next_steps || []).join("；") || (data.total ? "" : spec.empty || "");
    $("list-note").textContent = note;
    const list = $("list-items");
    list.replaceChildren();
    for (const item of data.items) list.append(spec.item(item));
    $("page-label").textContent = data.pages > 1 ? `第 ${data.page} / ${data.pages} 页` : "";
    $("page-prev").disabled = data.page <= 1;
    $("page-next").disabled = data.page >= data.pages;
    $("pager").hidden = data.pages <= 1;
  }

  async function turnPage(delta) {
    const view = current();
    if (!view || view.screen !== "list") return;
    view.page = Math.max(1, view.page + delta);
    try {
      await view.enter();
    } catch (error) {
      view.page -= delta;
      return;
    }
    show(view);
  }

  function guideItem(hit) {
    const row = el("li", "");
    const tap = button("", () => go(guideView(hit.id)), "item");
    tap.dataset.guide = hit.id;
    tap.append(el("span", "item-name", hit.title), el("span", "item-hint secondary", hit.department));
    row.append(tap);
    return row;
  }

  function guideSearchSpec(words) {
    return {
      title: "办事指南",
      url: (page, size) => `guides?q=${encodeURIComponent(words)}&page=${page}&size=${size}`,
      item: guideItem,
    };
  }

  function browseSpec(kind, name) {
    return {
      title: name,
      heading: kind === "department" ? `${name}的办事指南` : `${name}：相关办事指南`,
      url: (page, size) => `guides?${kind}=${encodeURIComponent(name)}&page=${page}&size=${size}`,
      item: guideItem,
    };
  }

  function groupSpec(title, path, kind) {
    return {
      title,
      heading: title,
      url: (page, size) => `${path}?page=${page}&size=${size}`,
      item(group) {
        const row = el("li", "");
        const tap = button("", () => go(listView(browseSpec(kind, group.name))), "item");
        tap.append(el("span", "item-name", group.name),
          el("span", "item-hint secondary", `${group.count} 项`));
        row.append(tap);
        return row;
      },
    };
  }

  const resultsSpec = {
    title: "办结公示",
    heading: "今日办结公示",
    empty: "今日暂无办结公示",
    url: (page, size) => `results?page=${page}&size=${size}`,
    item(row) {
      const item = el("li", "result-row");
      item.append(el("span", "item-name", row.item_name),
        el("span", "item-hint", `${row.applicant} · ${row.result} · ${row.at}`),
        el("span", "item-hint secondary", `${row.department} · ${row.case_no}`));
      return item;
    },
  };

  /* ---- guide detail: checklist and the QR of its WAP page ---------------------------- */

  function guideView(id) {
    return {
      screen: "guide",
      async enter() { drawGuide(await api("guides/" + encodeURIComponent(id))); },
      leave() { $("guide").replaceChildren(); },
    };
  }

  function drawGuide(guide) {
    const box = $("guide");
    box.replaceChildren();
    box.dataset.guide = guide.id;
    const main = el("div", "guide-main");
    main.append(el("h2", "guide-title", guide.title), el("p", "guide-dept", guide.department));
    main.append(factList(guide.summary));
    main.append(el("h3", "", "申请材料（点按逐项核对）"));
    const checklist = el("ol", "checklist");
    for (const material of guide.materials) {
      const label = `${material.name}（${material.form}${material.count > 1 ? " " + material.count + " 份" : ""}）`;
      const row = el("li", "");
      const tick = button("", () => {
        const done = tick.getAttribute("aria-pressed") !== "true";
        tick.setAttribute("aria-pressed", String(done));
      }, "check");
      tick.setAttribute("aria-pressed", "false");
      tick.append(el("span", "check-box", ""), el("span", "check-name", label));
      if (material.notes) tick.append(el("span", "check-note secondary", material.notes));
      row.append(tick);
      checklist.append(row);
    }
    main.append(checklist);
    if (guide.conditions.length) {
      main.append(el("h3", "secondary", "申请条件"));
      const list = el("ul", "plain secondary");
      for (const line of guide.conditions) list.append(el("li", "", line));
      main.append(list);
    }
    if (guide.procedure.length) {
      main.append(el("h3", "secondary", "办理流程"));
      main.append(el("p", "secondary", guide.procedure.join(" → ")));
    }
    const qr = el("figure", "qr-box");
    qr.dataset.qrText = guide.qr.text;
    const image = el("div", "qr-image");
    image.innerHTML = guide.qr.svg; // our own segno SVG, not user text
    qr.append(image, el("figcaption", "", "手机扫码，带走这份指南"));
    box.append(qr, main);
  }

  /* ---- queue tickets, printed through the browser's print path ----------------------- */

  const ticketsView = { screen: "tickets", enter: () => refreshWaiting() };

  async function refreshWaiting() {
    const data = await api("queue");
    for (const c of data.categories) {
      const hint = document.querySelector(`[data-waiting="${c.prefix}"]`);
      if (hint) hint.textContent = `等候 ${c.waiting} 人`;
    }
  }

  async function takeTicket(prefix) {
    let ticket;
    try {
      ticket = await post("tickets", { category: prefix });
    } catch (error) {
      if (error instanceof Refused) toast(error.message);
      return;
    }
    await go({
      screen: "ticket",
      transient: true,
      enter() { drawTicket(ticket); },
      leave() { $("ticket").replaceChildren(); },
    });
    printTicket();
  }

  function drawTicket(ticket) {
    const box = $("ticket");
    box.replaceChildren();
    box.dataset.number = ticket.number;
    box.append(el("p", "ticket-hall", $("attract").querySelector(".attract-hall").textContent),
      el("p", "ticket-category", ticket.category),
      el("p", "ticket-number", ticket.number),
      el("p", "ticket-waiting", `您前面还有 ${ticket.waiting_ahead} 人等候`),
      el("p", "ticket-time", ticket.issued_at));
    const qr = el("figure", "qr-box");
    qr.dataset.qrText = ticket.qr.text;
    const image = el("div", "qr-image");
    image.innerHTML = ticket.qr.svg; // our own segno SVG
    qr.append(image, el("figcaption", "", "手机扫码，随时查看叫号"));
    box.append(qr, el("p", "ticket-note", "请留意叫号，过号请重新取号"));
  }

  function printTicket() {
    // Kiosk browsers run with silent printing (--kiosk-printing) to the ticket printer.
    requestAnimationFrame(() => window.print());
  }

  /* ---- elder-friendly mode ------------------------------------------------------------ */

  function setElder(on) {
    document.documentElement.classList.toggle("elder", on);
    const toggle = $("btn-elder");
    toggle.setAttribute("aria-pressed", String(on));
    toggle.textContent = on ? "标准模式" : "长辈模式";
    const view = current();
    if (view && view.screen === "list") {
      view.page = 1;
      go(view);
    }
  }

  /* ---- idle: countdown, then clear everything and return to the attract screen -------- */

  let lastTouch = performance.now();
  let countdownFrom = null;

  function touched() {
    if (countdownFrom === null) lastTouch = performance.now();
  }

  function idleLimit() {
    return body.dataset.screen === "case-result" ? cfg.resultIdle : cfg.idle;
  }

  function tick() {
    if ($("app").hidden) return;
    const now = performance.now();
    if (countdownFrom === null) {
      if (now - lastTouch >= idleLimit()) {
        countdownFrom = now;
        body.classList.toggle("private", body.dataset.screen === "case-result");
        $("idle-dialog").hidden = false;
        $("idle-count").textContent = Math.ceil(cfg.countdown / 1000);
      }
      return;
    }
    const left = cfg.countdown - (now - countdownFrom);
    if (left <= 0) reset();
    else $("idle-count").textContent = Math.ceil(left / 1000);
  }

  function extend() {
    countdownFrom = null;
    $("idle-dialog").hidden = true;
    body.classList.remove("private");
    touched();
  }

  function clearContent() {
    caseState.number = "";
    caseState.code = "";
    caseState.step = "number";
    searchState.text = "";
    searchState.seq++;
    clearTimeout(searchState.timer);
    for (const id of ["case-result", "guide", "ticket", "list-items", "suggestions"]) {
      const node = $(id);
      if (node) node.replaceChildren();
    }
    for (const id of ["case-display", "search-display", "case-error", "list-title", "list-note"]) {
      $(id).textContent = "";
    }
    drawCaseEntry();
  }

  function reset() {
    navSeq++;
    countdownFrom = null;
    $("idle-dialog").hidden = true;
    body.classList.remove("private");
    clearContent();
    stack = [];
    setElder(false);
    $("app").hidden = true;
    $("attract").hidden = false;
    body.dataset.screen = "attract";
  }

  function start(elder) {
    $("attract").hidden = true;
    $("app").hidden = false;
    setElder(elder);
    lastTouch = performance.now();
    home();
  }

  /* ---- messages ----------------------------------------------------------------------- */

  let toastTimer = 0;
  function toast(message) {
    let node = $("toast");
    if (!node) {
      node = el("p", "toast");
      node.id = "toast";
      node.setAttribute("role", "alert");
      body.append(node);
    }
    node.textContent = message;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 4000);
  }

  /* ---- wiring ------------------------------------------------------------------------- */

  const actions = {
    start: () => start(false),
    "start-elder": () => start(true),
    back: () => back(),
    home: () => home(),
    elder: () => setElder(!document.documentElement.classList.contains("elder")),
    "open-case": () => { clearContent(); stack = [homeView]; go(caseView); },
    "open-search": () => go(searchView),
    "open-life-events": () => go(listView(groupSpec("按人生事件办事", "life-events", "life_event"))),
    "open-departments": () => go(listView(groupSpec("按部门查找", "departments", "department"))),
    "open-results": () => go(listView(resultsSpec)),
    "open-tickets": () => go(ticketsView),
    "case-next": () => caseNext(),
    "case-public": () => caseLookup(false),
    "case-full": () => caseLookup(true),
    "case-enter-code": () => { caseState.step = "code"; go(caseView); },
    "search-go": () => {
      if (searchState.text) go(listView(guideSearchSpec(searchState.text)));
    },
    "page-prev": () => turnPage(-1),
    "page-next": () => turnPage(1),
    "take-ticket": (target) => takeTicket(target.dataset.category),
    "ticket-print": () => printTicket(),
    extend: () => extend(),
    reset: () => reset(),
  };

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action], [data-key]");
    if (!target || target.disabled) return;
    if (target.dataset.key) {
      if (target.closest("#numpad")) caseKey(target.dataset.key);
      else if (target.closest("#letterpad")) searchKey(target.dataset.key);
      return;
    }
    const action = actions[target.dataset.action];
    if (action) action(target);
  });
  for (const type of ["pointerdown", "touchstart", "keydown"]) {
    document.addEventListener(type, touched, { capture: true, passive: true });
  }
  // A kiosk offers no text selection, context menu, drag or pinch zoom.
  for (const type of ["contextmenu", "selectstart", "dragstart", "gesturestart"]) {
    document.addEventListener(type, (event) => event.preventDefault());
  }
  setInterval(tick, 200);
  if (cfg.queue) setInterval(pollQueue, cfg.queuePoll);
  body.dataset.screen = "attract";
  body.dataset.ready = "true";
})();
