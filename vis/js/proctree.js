// huntkit process tree: collapsible DOM tree with colours, tooltips and search (own code).
(function () {
  'use strict';
  var cfg = HK.json('hk-config'), d = HK.data(), n = d.n;
  var C = {};
  d.cols.forEach(function (c) { C[c.name] = c.values; });
  var kids = new Array(n), roots = [];
  for (var i = 0; i < n; i++) kids[i] = [];
  for (var j = 0; j < n; j++) { var p = C.parent[j]; if (p === null || p < 0) roots.push(j); else kids[p].push(j); }
  var cm = HK.colorMap(C.color);
  var legend = document.getElementById('hk-legend');
  // every coloured value, then how many values share the grey
  var ncol = Math.min(cm.keys.length, HK.palette.length);
  cm.keys.slice(0, ncol).forEach(function (k) {
    var s = document.createElement('span');
    s.innerHTML = '<i class="hk-dot" style="background:' + cm.map[k] + '"></i>' + HK.esc(k || '(none)') + ' (' + cm.counts[k] + ')';
    legend.appendChild(s);
  });
  if (cm.keys.length > ncol) {
    var more = document.createElement('span'), rest = 0;
    cm.keys.slice(ncol).forEach(function (k) { rest += cm.counts[k]; });
    more.innerHTML = '<i class="hk-dot" style="background:#999999"></i>' + (cm.keys.length - ncol) + ' more (' + rest + ')';
    legend.appendChild(more);
  }
  // with several hosts, each root line names its host
  var multiHost = false;
  for (var h = 1; h < n && !multiHost; h++) if (C.host[h] !== C.host[0]) multiHost = true;
  var tipCols = (cfg.tips || []).map(function (name) { return { name: name.slice(4), type: HK.col(d, name).type, v: C[name] }; });
  function tipText(i) {
    var lines = [C.name[i] + '  (pid ' + C.pid[i] + ')' + (C.synth[i] ? '  [inferred parent]' : '')];
    if (C.time[i] !== null) lines.push('time: ' + HK.fmtTime(C.time[i]));
    if (C.host[i]) lines.push('host: ' + C.host[i]);
    if (C.user[i]) lines.push('user: ' + C.user[i]);
    if (C.cmdline[i]) lines.push('cmdline: ' + C.cmdline[i]);
    lines.push('children: ' + kids[i].length);
    tipCols.forEach(function (t) { if (t.v[i] !== null) lines.push(t.name + ': ' + HK.fmt(t.type, t.v[i])); });
    return lines.join('\n');
  }
  var el = new Array(n), open = new Uint8Array(n);
  var treeEl = document.getElementById('hk-tree');
  function make(i) {
    var node = document.createElement('div');
    node.className = 'hk-node' + (C.synth[i] ? ' hk-synth' : '');
    node.setAttribute('data-id', String(i));
    var row = document.createElement('div'); row.className = 'hk-row'; row.title = tipText(i);
    var tog = document.createElement('span'); tog.className = 'hk-tog'; tog.textContent = kids[i].length ? '▸' : '·';
    tog.onclick = function () { toggle(i); };
    var dot = document.createElement('span'); dot.className = 'hk-dot'; dot.style.background = cm.map[C.color[i] === null ? '' : String(C.color[i])] || '#999';
    var lbl = document.createElement('span'); lbl.className = 'hk-lbl'; lbl.textContent = (C.label[i] || C.name[i]) + ' [' + C.pid[i] + ']';
    lbl.onclick = function () { details(i); };
    var meta = document.createElement('span'); meta.className = 'hk-meta';
    meta.textContent = (multiHost && (C.parent[i] === null || C.parent[i] < 0) && C.host[i] ? C.host[i] + '  ' : '') +
      (C.time[i] !== null ? HK.fmtTime(C.time[i]) + '  ' : '') + (kids[i].length ? '(' + kids[i].length + ') ' : '') + (C.cmdline[i] || '');
    row.appendChild(tog); row.appendChild(dot); row.appendChild(lbl); row.appendChild(meta);
    var box = document.createElement('div'); box.className = 'hk-kids'; box.hidden = true;
    node.appendChild(row); node.appendChild(box);
    el[i] = node;
    return node;
  }
  function expand(i) {
    if (!kids[i].length || open[i]) return;
    var node = el[i] || make(i), box = node.lastChild;
    if (!box.firstChild) {
      var frag = document.createDocumentFragment();
      kids[i].forEach(function (k) { frag.appendChild(el[k] || make(k)); });
      box.appendChild(frag);
    }
    box.hidden = false; open[i] = 1;
    node.firstChild.firstChild.textContent = '▾';
  }
  function collapse(i) {
    if (!open[i]) return;
    var node = el[i];
    node.lastChild.hidden = true; open[i] = 0;
    node.firstChild.firstChild.textContent = '▸';
  }
  function toggle(i) { if (open[i]) collapse(i); else expand(i); }
  var frag = document.createDocumentFragment();
  roots.forEach(function (r) { frag.appendChild(make(r)); });
  treeEl.appendChild(frag);
  // open the first levels, within a budget of rendered nodes
  var budget = 4000, level = roots.slice();
  for (var depth = 0; depth < (cfg.expandDepth || 0) && level.length; depth++) {
    var next = [];
    for (var q = 0; q < level.length && budget > 0; q++) { var x = level[q]; if (kids[x].length) { expand(x); budget -= kids[x].length; next = next.concat(kids[x]); } }
    level = next;
  }
  // details panel
  var det = document.getElementById('hk-details'), dt = document.getElementById('hk-details-table');
  function details(i) {
    dt.innerHTML = tipText(i).split('\n').map(function (l, k) {
      if (k === 0) return '<tr><td>process</td><td>' + HK.esc(l) + '</td></tr>';
      var m = l.indexOf(': ');
      return '<tr><td>' + HK.esc(l.slice(0, m)) + '</td><td>' + HK.esc(l.slice(m + 2)) + '</td></tr>';
    }).join('');
    det.hidden = false;
  }
  document.getElementById('hk-details-close').onclick = function () { det.hidden = true; };
  // search
  var hits = [], cur = -1, found = document.getElementById('hk-found');
  function reveal(i) {
    var chain = [], p = C.parent[i];
    while (p !== null && p >= 0) { chain.push(p); p = C.parent[p]; }
    for (var k = chain.length - 1; k >= 0; k--) expand(chain[k]);
    if (!el[i]) make(i);
  }
  function clearHits() { hits.forEach(function (i) { if (el[i]) el[i].classList.remove('hk-hit', 'hk-cur'); }); }
  function find(text) {
    clearHits(); hits = []; cur = -1;
    text = String(text || '').toLowerCase().trim();
    if (!text) { found.textContent = ''; return 0; }
    for (var i = 0; i < n; i++) {
      if (String(C.name[i]).toLowerCase().indexOf(text) >= 0 || String(C.cmdline[i] || '').toLowerCase().indexOf(text) >= 0 || String(C.pid[i]) === text) hits.push(i);
    }
    hits.slice(0, 500).forEach(function (i) { reveal(i); el[i].classList.add('hk-hit'); });
    found.textContent = hits.length + ' found' + (hits.length > 500 ? ' (first 500 opened)' : '');
    found.setAttribute('data-hits', String(hits.length));
    if (hits.length) go(0);
    return hits.length;
  }
  function go(k) {
    if (!hits.length) return;
    if (cur >= 0 && el[hits[cur]]) el[hits[cur]].classList.remove('hk-cur');
    cur = (k + hits.length) % hits.length;
    reveal(hits[cur]);
    el[hits[cur]].classList.add('hk-cur', 'hk-hit');
    el[hits[cur]].scrollIntoView({ block: 'center' });
  }
  var sb = document.getElementById('hk-search');
  document.getElementById('hk-find').onclick = function () { find(sb.value); };
  sb.onkeydown = function (e) { if (e.key === 'Enter') find(sb.value); };
  document.getElementById('hk-next').onclick = function () { go(cur + 1); };
  document.getElementById('hk-prev').onclick = function () { go(cur - 1); };
  document.getElementById('hk-expand-all').onclick = function () {
    var left = 20000;
    for (var i = 0; i < n && left > 0; i++) { if (kids[i].length && !open[i]) { reveal(i); expand(i); left -= kids[i].length; } }
  };
  document.getElementById('hk-collapse-all').onclick = function () { for (var i = 0; i < n; i++) collapse(i); };
  window.hkTree = {
    expand: expand, collapse: collapse, toggle: toggle, find: find, roots: roots, children: function (i) { return kids[i]; },
    isOpen: function (i) { return open[i] === 1; },
    rendered: function () { return treeEl.querySelectorAll('.hk-node').length; },
    visible: function () { var c = 0; treeEl.querySelectorAll('.hk-node').forEach(function (e) { if (e.offsetParent !== null) c++; }); return c; }
  };
  window.hkRendered = { nodes: n, roots: roots.length };
})();
