// huntkit workbench: the page. Plain DOM; every value from the server is shown with
// textContent (never innerHTML), every state-changing call carries the CSRF token.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="hk-csrf"]').content;
  const state = {env: "", templates: [], template: null, job: null, result: null, selection: null,
    cfg: null, edits: new Map()};

  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v);
      else e.setAttribute(k, v);
    }
    for (const c of kids) if (c != null) e.append(c);
    return e;
  }

  async function api(method, url, body) {
    const opts = {method, headers: {}};
    if (method !== "GET") {
      opts.headers["X-Huntkit-CSRF"] = csrf;
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body || {});
    }
    const res = await fetch(url, opts);
    const data = await res.json().catch(() => ({error: res.status + " " + res.statusText}));
    if (!res.ok) {
      const err = new Error(data.error || res.statusText);
      err.data = data;
      throw err;
    }
    return data;
  }

  function flash(msg) {
    $("flash").textContent = msg;
  }

  // --- tabs
  for (const b of document.querySelectorAll("#tabs button")) {
    b.addEventListener("click", () => showTab(b.dataset.tab));
  }
  function showTab(name) {
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
    for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== "tab-" + name;
    if (name === "notebook") loadNotebook();
    if (name === "config" && !state.cfg) loadConfig();
    if (name === "results") loadTables();
  }

  // --- environments
  async function loadEnvs() {
    const envs = await api("GET", "/api/envs");
    const sel = $("env");
    sel.textContent = "";
    for (const e of envs) {
      const o = el("option", {value: e.name, text: e.name + " (" + e.status + ")"});
      if (!e.connected && e.sign_in) o.textContent += " — sign-in failed";
      if (e.connected) o.textContent += " — connected";
      sel.append(o);
      if (e.default && !state.env) state.env = e.name;
    }
    sel.value = state.env;
    showEnvStatus(envs.find((e) => e.name === state.env));
  }
  function showEnvStatus(e) {
    const st = $("env-status");
    st.className = "status";
    if (!e) { st.textContent = ""; return; }
    if (e.connected) { st.textContent = "Connected"; st.classList.add("ok"); }
    else if (e.sign_in) { st.textContent = e.sign_in; st.classList.add("bad"); }
    else st.textContent = e.description + " — " + e.status + "; not connected yet";
  }
  $("env").addEventListener("change", () => {
    state.env = $("env").value;
    state.template = null;
    $("tpl-panel").hidden = true;
    loadEnvs();
    loadTemplates();
    loadCatalog();
  });
  $("connect").addEventListener("click", async () => {
    $("env-status").textContent = "connecting…";
    try {
      const r = await api("POST", "/api/envs/connect", {env: state.env});
      flash(r.connected ? state.env + ": connected" : state.env + ": " + r.sign_in);
    } catch (e) { flash(e.message); }
    await loadEnvs();
    loadCatalog();
  });

  // --- templates
  let searchTimer = null;
  $("tpl-search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(loadTemplates, 200);
  });
  async function loadTemplates() {
    const q = $("tpl-search").value;
    const list = $("tpl-list");
    try {
      state.templates = await api("GET", "/api/templates?env=" + encodeURIComponent(state.env) + "&q=" + encodeURIComponent(q));
    } catch (e) { list.textContent = ""; list.append(el("li", {text: e.message})); return; }
    list.textContent = "";
    for (const t of state.templates) {
      const b = el("button", {type: "button", dataset: {name: t.name}, onclick: () => chooseTemplate(t)},
        el("span", {text: t.name}), el("small", {text: t.description}));
      list.append(el("li", {}, b));
    }
  }
  const windowParams = new Set(["start", "end"]);
  async function chooseTemplate(t) {
    state.template = t;
    for (const b of document.querySelectorAll("#tpl-list button")) b.classList.toggle("active", b.dataset.name === t.name);
    $("tpl-panel").hidden = false;
    $("tpl-name").textContent = t.name;
    const form = $("tpl-params");
    form.textContent = "";
    for (const p of t.params || []) {
      if (windowParams.has(p.name) && p.type === "datetime") continue; // the time range picker fills them
      const input = el("input", {name: p.name, "data-param": p.name, placeholder: p.default || ""});
      if (p.type === "int") { input.type = "number"; input.step = "1"; }
      else if (p.type === "float") { input.type = "number"; input.step = "any"; }
      else if (p.type === "bool") {
        const s = el("select", {name: p.name, "data-param": p.name},
          el("option", {value: "", text: "(default " + (p.default || "") + ")"}), el("option", {value: "true", text: "true"}), el("option", {value: "false", text: "false"}));
        form.append(el("label", {title: p.description || ""}, el("span", {text: p.name + " (bool)"}), s));
        continue;
      } else if (p.type === "datetime") { input.setAttribute("list", "time-presets"); }
      else if (p.type === "list") { input.placeholder = (p.default || "") + " (comma separated)"; }
      const label = el("label", {title: p.description || ""},
        el("span", {text: p.name + " (" + p.type + ")", class: p.required ? "req" : ""}), input);
      form.append(label);
    }
    $("tpl-help").textContent = "";
    try {
      const h = await api("GET", "/api/help?env=" + encodeURIComponent(state.env) + "&name=" + encodeURIComponent(t.name));
      $("tpl-help").textContent = h.help;
    } catch (e) { $("tpl-help").textContent = e.message; }
  }
  $("tpl-params").addEventListener("submit", (e) => e.preventDefault());

  // --- editor
  const editor = window.HKEditor.create($("editor"), {language: "kql", doc: "", onRun: () => runQuery()});
  $("lang").addEventListener("change", () => {
    editor.setLanguage($("lang").value);
    $("use-window").checked = $("lang").value === "kql"; // SQL writes its time condition in WHERE
  });
  async function loadCatalog() {
    try { editor.setCatalog(await api("GET", "/api/catalog?env=" + encodeURIComponent(state.env))); } catch (e) { /* completion stays as it was */ }
  }

  // --- running
  function windowOf() { return {start: $("start").value.trim(), end: $("end").value.trim()}; }
  $("run-template").addEventListener("click", () => {
    if (!state.template) return;
    const params = {};
    for (const i of document.querySelectorAll("#tpl-params [data-param]")) if (i.value !== "") params[i.dataset.param] = i.value;
    const hasWindow = (state.template.params || []).some((p) => windowParams.has(p.name));
    const w = hasWindow ? windowOf() : {start: "", end: ""};
    start({env: state.env, template: state.template.name, params, start: w.start, end: w.end});
  });
  $("run-query").addEventListener("click", () => runQuery());
  function runQuery() {
    const text = editor.getText().trim();
    if (!text) { flash("write a query first"); return; }
    const w = $("use-window").checked ? windowOf() : {start: "", end: ""};
    start({env: state.env, text, language: $("lang").value, start: w.start, end: w.end});
  }
  async function start(req) {
    $("progress").textContent = "starting…";
    let r;
    try { r = await api("POST", "/api/run", req); } catch (e) { $("progress").textContent = e.message; return; }
    state.job = r.job;
    $("cancel").hidden = false;
    poll(r.job);
  }
  async function poll(id) {
    let j;
    try { j = await api("GET", "/api/jobs/" + id); } catch (e) { $("progress").textContent = e.message; return; }
    if (j.state === "running") {
      $("progress").textContent = "running " + j.title + " … " + j.elapsed;
      setTimeout(() => poll(id), 300);
      return;
    }
    $("cancel").hidden = true;
    state.job = null;
    let msg = j.title + ": " + j.state + " in " + j.elapsed;
    if (j.result) msg += " — " + j.result.rows + " rows";
    if (j.error) msg += " — " + j.error;
    $("progress").textContent = msg;
    if (j.result) { await loadResults(j.result.id); showTab("results"); }
  }
  $("cancel").addEventListener("click", async () => {
    if (state.job) { try { await api("POST", "/api/jobs/" + state.job + "/cancel"); } catch (e) { flash(e.message); } }
  });

  // --- results
  async function loadResults(select) {
    const rs = await api("GET", "/api/results");
    const sel = $("result-list");
    sel.textContent = "";
    for (const r of rs) sel.append(el("option", {value: r.id, text: r.id + ": " + r.title + " (" + r.rows + " rows)"}));
    if (select) sel.value = select;
    state.results = rs;
    showResult(sel.value);
  }
  $("result-list").addEventListener("change", () => showResult($("result-list").value));
  function showResult(id) {
    const r = (state.results || []).find((x) => x.id === id);
    state.result = r || null;
    state.selection = null;
    $("selection").hidden = true;
    if (!r) return;
    let info = r.rows + " rows × " + r.columns.length + " columns";
    if (r.table) info += " · table " + r.table;
    if (r.partial) info += " · PARTIAL: " + r.partial;
    $("result-info").textContent = info;
    for (const f of ["csv", "json", "parquet"]) $("export-" + f).href = "/api/results/" + r.id + "/export?format=" + f;
    for (const s of ["opt-x", "opt-y"]) {
      const sel = $(s);
      sel.textContent = "";
      sel.append(el("option", {value: "", text: "(default)"}));
      for (const c of r.columns) sel.append(el("option", {value: c, text: c}));
    }
    openView("data");
  }
  function openView(kind) {
    if (!state.result) return;
    const q = new URLSearchParams();
    const x = $("opt-x").value, y = $("opt-y").value;
    if (kind === "timeline" && x) q.set("group", x);
    if (kind === "matrix") { if (x) q.set("x", x); if (y) q.set("y", y); }
    if (kind === "data") q.set("step", "no");
    $("view").dataset.kind = kind;
    $("view").src = "/api/results/" + state.result.id + "/view/" + kind + "?" + q.toString();
  }
  for (const k of ["data", "timeline", "proctree", "map", "matrix"]) $("view-" + k).addEventListener("click", () => openView(k));

  // clicks in the data viewer come from its sandboxed frame
  window.addEventListener("message", (e) => {
    if (e.source !== $("view").contentWindow || !e.data || e.data.type !== "hk-select") return;
    const col = String(e.data.column || "");
    const val = e.data.value == null ? null : String(e.data.value);
    state.selection = {column: col, value: val};
    $("selection").hidden = false;
    $("sel-column").textContent = col;
    $("sel-value-wrap").hidden = val == null;
    $("sel-value").textContent = val == null ? "" : val;
    $("enrich-scope").value = val == null ? "column" : $("enrich-scope").value;
    loadPivots(col, val);
  });
  async function loadPivots(col, val) {
    const box = $("pivots");
    box.textContent = "";
    if (val == null) return;
    let ps = [];
    try { ps = await api("GET", "/api/pivots?column=" + encodeURIComponent(col) + "&value=" + encodeURIComponent(val)); } catch (e) { return; }
    for (const p of ps) {
      box.append(el("button", {type: "button", title: p.description, text: p.name, onclick: () => pivot(p.name)}));
    }
  }
  async function pivot(name) {
    const s = state.selection;
    try {
      const r = await api("POST", "/api/results/" + state.result.id + "/pivot", {name, column: s.column, value: s.value});
      await loadResults(r.id);
    } catch (e) { flash(e.message); }
  }
  for (const k of ["ti", "geoip", "whois", "ioc", "decode"]) {
    $("enrich-" + k).addEventListener("click", async () => {
      const s = state.selection;
      if (!s || !state.result) return;
      const body = {kind: k, column: s.column};
      if ($("enrich-scope").value === "value" && s.value != null) body.value = s.value;
      flash(k + " of " + s.column + " …");
      try {
        const r = await api("POST", "/api/results/" + state.result.id + "/enrich", body);
        flash(k + ": " + r.rows + " rows" + (r.partial ? " (partial: " + r.partial + ")" : ""));
        await loadResults(r.id);
      } catch (e) { flash(k + ": " + e.message); }
    });
  }
  $("save").addEventListener("click", async () => {
    if (!state.result) return;
    try {
      const r = await api("POST", "/api/results/" + state.result.id + "/save", {table: $("save-name").value.trim()});
      flash("kept as table " + r.table);
      await loadResults(state.result.id);
      loadTables();
      loadCatalog();
    } catch (e) { flash(e.message); }
  });
  async function loadTables() {
    let ts = [];
    try { ts = await api("GET", "/api/tables"); } catch (e) { return; }
    const sel = $("table-list");
    sel.textContent = "";
    for (const t of ts) sel.append(el("option", {value: t.name, text: t.name + " (" + t.rows + ")"}));
  }
  $("open-table").addEventListener("click", async () => {
    const t = $("table-list").value;
    if (!t) return;
    try { const r = await api("POST", "/api/tables/open", {table: t}); await loadResults(r.id); } catch (e) { flash(e.message); }
  });

  // --- notebook
  async function loadNotebook() {
    const nb = await api("GET", "/api/notebook");
    const ol = $("steps");
    ol.textContent = "";
    $("nb-info").textContent = (nb.in_memory ? "workspace in memory: start with --workspace FILE to keep the notebook" : "kept in the workspace file") +
      (nb.error ? " — " + nb.error : "");
    for (const st of nb.steps) {
      const li = el("li", {dataset: {kind: st.kind}}, el("div", {class: "kind", text: st.kind + " · " + st.created}));
      if (st.kind === "note") li.append(el("pre", {text: st.markdown}));
      else li.append(el("div", {text: st.title + (st.rows ? " — " + st.rows + " rows" : "")}));
      if (st.text) li.append(el("pre", {text: st.text}));
      if (st.error) li.append(el("div", {class: "err", text: st.error}));
      ol.append(li);
    }
  }
  $("add-note").addEventListener("click", async () => {
    const md = $("note").value;
    if (!md.trim()) return;
    try { await api("POST", "/api/notebook/note", {markdown: md}); $("note").value = ""; loadNotebook(); } catch (e) { flash(e.message); }
  });

  // --- configuration editor
  async function loadConfig() {
    let c;
    try { c = await api("GET", "/api/config"); } catch (e) { $("cfg-status").textContent = e.message; return; }
    state.cfg = c;
    state.edits = new Map();
    $("cfg-path").textContent = c.path + (c.exists ? "" : " (new file)");
    const have = new Set((c.tree.entries || []).map((e) => e.key));
    const add = $("cfg-add-section");
    add.textContent = "";
    for (const s of c.sections) if (!have.has(s)) add.append(el("option", {value: s, text: s}));
    showProblems(c.problems);
    const form = $("cfg-form");
    form.textContent = "";
    for (const e of c.tree.entries || []) form.append(renderEntry([e.key], e.value));
  }
  function showProblems(ps) {
    const ul = $("cfg-problems");
    ul.textContent = "";
    for (const p of ps || []) ul.append(el("li", {class: p.severity, text: p.text}));
  }
  function edit(path, op, value) {
    state.edits.set(JSON.stringify(path), {path, op, value});
    $("cfg-status").textContent = state.edits.size + " unsaved change(s)";
  }
  function renderEntry(path, node) {
    const key = path[path.length - 1];
    if (node.type === "map") {
      const fs = el("fieldset", {"data-path": path.join(".")}, el("legend", {text: key}));
      for (const e of node.entries) fs.append(renderEntry(path.concat(e.key), e.value));
      fs.append(addKeyRow(path, fs));
      fs.append(el("button", {type: "button", class: "del", text: "Remove " + key, onclick: () => { edit(path, "delete"); fs.remove(); }}));
      return fs;
    }
    const row = el("div", {class: "row", "data-path": path.join(".")}, el("label", {text: key}));
    row.append(valueControl(path, node));
    row.append(el("button", {type: "button", class: "del", title: "remove " + key, text: "×", onclick: () => { edit(path, "delete"); row.remove(); }}));
    return row;
  }
  function valueControl(path, node) {
    if (node.type === "list") {
      const items = node.items.map((i) => i.value || "");
      const inp = el("input", {value: items.join(", "), title: "comma separated"});
      inp.addEventListener("change", () => edit(path, "set", {type: "list", items: inp.value.split(",").map((s) => s.trim()).filter(Boolean).map((v) => ({type: "scalar", value: v}))}));
      return inp;
    }
    if (node.type === "scalar") {
      const inp = el("input", {value: node.value});
      inp.addEventListener("change", () => edit(path, "set", {type: "scalar", value: inp.value}));
      return inp;
    }
    // secrets: a literal (masked, never shown), an environment variable or a Key Vault reference
    const wrap = el("span", {class: "secret"});
    const mode = el("select", {class: "secret-mode"},
      el("option", {value: "keep", text: node.type === "secret" ? (node.set ? "literal (set, hidden)" : "literal (empty)") : "keep " + node.kind}),
      el("option", {value: "literal", text: "new literal value"}),
      el("option", {value: "EnvironmentVar", text: "environment variable"}),
      el("option", {value: "KeyVault", text: "Key Vault secret"}));
    const inp = el("input", {class: "secret-value", type: "password", autocomplete: "off"});
    if (node.type === "ref") { mode.value = node.kind; inp.type = "text"; inp.value = node.value || ""; }
    else inp.disabled = true;
    const update = () => {
      const m = mode.value;
      inp.disabled = m === "keep";
      inp.type = m === "literal" ? "password" : "text";
      inp.placeholder = {literal: "new value", EnvironmentVar: "variable name", KeyVault: "vault/secret (empty: default)"}[m] || "";
      if (m === "keep") state.edits.delete(JSON.stringify(path));
      else if (m === "literal") edit(path, "set", {type: "secret", value: inp.value});
      else edit(path, "set", {type: "ref", kind: m, value: inp.value});
    };
    mode.addEventListener("change", update);
    inp.addEventListener("input", update);
    wrap.append(mode, inp);
    return wrap;
  }
  function addKeyRow(path, container) {
    const name = el("input", {placeholder: "new key", size: "14", class: "new-key"});
    const kind = el("select", {}, el("option", {value: "scalar", text: "value"}), el("option", {value: "secret", text: "secret"}), el("option", {value: "map", text: "section"}));
    const btn = el("button", {type: "button", text: "Add", onclick: () => {
      const k = name.value.trim();
      if (!k) return;
      const node = kind.value === "map" ? {type: "map", entries: []} : kind.value === "secret" ? {type: "secret", set: false} : {type: "scalar", value: ""};
      if (kind.value === "map") edit(path.concat(k), "set", node);
      container.insertBefore(renderEntry(path.concat(k), node), row);
      name.value = "";
    }});
    const row = el("div", {class: "row add"}, name, kind, btn);
    return row;
  }
  $("cfg-add").addEventListener("click", () => {
    const s = $("cfg-add-section").value;
    if (!s) return;
    edit([s], "set", {type: "map", entries: []});
    $("cfg-form").append(renderEntry([s], {type: "map", entries: []}));
    $("cfg-add-section").querySelector('option[value="' + CSS.escape(s) + '"]').remove();
  });
  function cfgBody() { return {version: state.cfg.version, edits: Array.from(state.edits.values())}; }
  $("cfg-check").addEventListener("click", async () => {
    try { const r = await api("POST", "/api/config/check", cfgBody()); showProblems(r.problems); $("cfg-status").textContent = r.problems.length + " problem(s)"; }
    catch (e) { $("cfg-status").textContent = e.message; }
  });
  $("cfg-save").addEventListener("click", async () => {
    try {
      const r = await api("POST", "/api/config/save", cfgBody());
      $("cfg-status").textContent = "saved " + r.saved + (r.backup ? " (backup " + r.backup + ")" : "") + " — " + r.note;
      state.cfg = null;
      await loadConfig();
      $("cfg-status").textContent = "saved " + r.saved + (r.backup ? " (backup " + r.backup + ")" : "");
      showProblems(r.problems);
    } catch (e) {
      $("cfg-status").textContent = e.message;
      if (e.data && e.data.problems) showProblems(e.data.problems);
    }
  });

  // --- start
  (async function init() {
    try {
      await loadEnvs();
      await loadTemplates();
      loadCatalog();
      document.body.dataset.ready = "1";
    } catch (e) { flash(e.message); document.body.dataset.ready = "error"; }
  })();
})();
