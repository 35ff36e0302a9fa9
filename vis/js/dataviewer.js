// huntkit data viewer: Tabulator table with a filter builder, column chooser, row details and CSV export.
(function () {
  'use strict';
  var cfg = HK.json('hk-config'), d = HK.data(), cols = d.cols;
  var numeric = { int: true, float: true, time: true };
  var rows = new Array(d.n);
  for (var i = 0; i < d.n; i++) {
    var r = { _i: i };
    for (var j = 0; j < cols.length; j++) r['c' + j] = cols[j].values[i];
    rows[i] = r;
  }
  var columns = cols.map(function (c, j) {
    var def = {
      // the title is data: render it as text (Tabulator would insert it as HTML)
      title: c.name, titleFormatter: function () { var s = document.createElement('span'); s.textContent = c.name; return s; },
      field: 'c' + j, headerTooltip: c.name + ' (' + c.type + ')', maxInitialWidth: 380,
      sorter: numeric[c.type] ? 'number' : (c.type === 'bool' ? 'boolean' : 'string')
    };
    if (c.type === 'time') {
      def.formatter = function (cell) { return HK.fmtTime(cell.getValue()); };
      def.accessorDownload = function (v) { return HK.fmtTime(v); };
    } else {
      def.formatter = 'plaintext';
    }
    return def;
  });
  var table = new Tabulator('#hk-table', {
    data: rows, columns: columns, index: '_i', layout: 'fitDataStretch', height: 'calc(100vh - 150px)',
    pagination: true, paginationMode: 'local', paginationSize: cfg.pageSize || 50,
    paginationSizeSelector: [25, 50, 100, 250, 1000], paginationCounter: 'rows',
    movableColumns: true, placeholder: 'No rows match the filters'
  });
  window.hkTable = table;
  window.hkReady = false;
  var countEl = document.getElementById('hk-count');
  function updateCount() {
    var shown = table.getDataCount('active');
    countEl.textContent = shown + ' of ' + d.n + ' rows' + (d.total > d.n ? ' (' + d.total + ' in source)' : '');
    countEl.setAttribute('data-rows', String(shown));
  }
  table.on('tableBuilt', function () { updateCount(); window.hkReady = true; });
  table.on('dataFiltered', function () { setTimeout(updateCount, 0); });

  // ---- row details
  var details = document.getElementById('hk-details'), dtab = document.getElementById('hk-details-table');
  table.on('rowClick', function (e, row) {
    var data = row.getData(), html = '';
    cols.forEach(function (c, j) {
      html += '<tr><td>' + HK.esc(c.name) + '</td><td>' + HK.esc(HK.fmt(c.type, data['c' + j])) + '</td></tr>';
    });
    dtab.innerHTML = html;
    details.hidden = false;
  });
  document.getElementById('hk-details-close').onclick = function () { details.hidden = true; };

  // ---- column chooser
  var list = document.getElementById('hk-collist');
  cols.forEach(function (c, j) {
    var lab = document.createElement('label'), cb = document.createElement('input');
    cb.type = 'checkbox'; cb.checked = true; cb.setAttribute('data-col', c.name);
    cb.onchange = function () { var col = table.getColumn('c' + j); if (cb.checked) col.show(); else col.hide(); };
    lab.appendChild(cb); lab.appendChild(document.createTextNode(' ' + c.name));
    list.appendChild(lab);
  });

  // ---- CSV export (filtered and sorted rows, visible columns)
  // The title is often the input's file name: drop a table extension rather than double it.
  var csvName = String(cfg.title || 'data').replace(/\.(csv|tsv|txt|json|jsonl|ndjson|parquet|zip|log)$/i, '') || 'data';
  document.getElementById('hk-export').onclick = function () { table.download('csv', csvName + '.csv'); };

  // ---- filter builder
  var ops = ['contains', '==', '!=', 'matches', 'in', 'between', '<', '<=', '>', '>=', 'is empty', 'not empty', 'not contains'];
  var frows = document.getElementById('hk-filter-rows');
  function addFilter(colName, op, v1, v2) {
    var div = document.createElement('div'); div.className = 'hk-filter';
    var sc = document.createElement('select'); sc.className = 'hk-f-col';
    cols.forEach(function (c, j) { var o = document.createElement('option'); o.value = String(j); o.textContent = c.name; sc.appendChild(o); });
    var so = document.createElement('select'); so.className = 'hk-f-op';
    ops.forEach(function (o) { var e = document.createElement('option'); e.value = o; e.textContent = o; so.appendChild(e); });
    var i1 = document.createElement('input'); i1.className = 'hk-f-v1'; i1.placeholder = 'value';
    var i2 = document.createElement('input'); i2.className = 'hk-f-v2'; i2.placeholder = 'and'; i2.hidden = true;
    var rm = document.createElement('button'); rm.type = 'button'; rm.textContent = '×'; rm.title = 'remove';
    rm.onclick = function () { div.remove(); };
    so.onchange = function () { i2.hidden = so.value !== 'between'; i1.hidden = /empty/.test(so.value); };
    [i1, i2].forEach(function (inp) { inp.onkeydown = function (e) { if (e.key === 'Enter') apply(); }; });
    if (colName !== undefined) {
      cols.forEach(function (c, j) { if (c.name === colName) sc.value = String(j); });
      so.value = op; i1.value = v1 || ''; i2.value = v2 || ''; so.onchange();
    }
    div.appendChild(sc); div.appendChild(so); div.appendChild(i1); div.appendChild(i2); div.appendChild(rm);
    frows.appendChild(div);
    return div;
  }
  function parseFor(type, s) {
    s = String(s).trim();
    if (type === 'time') {
      if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
      var t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : s.replace(' ', 'T') + 'Z');
      return isNaN(t) ? NaN : t;
    }
    if (type === 'int' || type === 'float') return Number(s);
    if (type === 'bool') return /^(true|1|yes)$/i.test(s);
    return s;
  }
  function compile(j, op, v1, v2) {
    var c = cols[j], f = 'c' + j, type = c.type, num = numeric[type];
    var a = parseFor(type, v1), b = parseFor(type, v2);
    var lower = String(v1).toLowerCase();
    var text = function (v) { return v === null || v === undefined ? '' : (type === 'time' ? HK.fmtTime(v) : String(v)); };
    switch (op) {
      case 'contains': return function (r) { return text(r[f]).toLowerCase().indexOf(lower) >= 0; };
      case 'not contains': return function (r) { return text(r[f]).toLowerCase().indexOf(lower) < 0; };
      case '==': return num ? function (r) { return r[f] !== null && r[f] === a; } : function (r) { return text(r[f]) === String(v1); };
      case '!=': return num ? function (r) { return r[f] !== a; } : function (r) { return text(r[f]) !== String(v1); };
      case 'matches':
        var re;
        try { re = new RegExp(v1, 'i'); } catch (e) { throw new Error('bad regular expression ' + v1 + ': ' + e.message); }
        return function (r) { return re.test(text(r[f])); };
      case 'in':
        var set = {};
        String(v1).split(',').forEach(function (s) { s = s.trim(); set[num ? String(parseFor(type, s)) : s] = true; });
        return function (r) { return r[f] !== null && set[num ? String(r[f]) : text(r[f])] === true; };
      case 'between':
        return num ? function (r) { return r[f] !== null && r[f] >= a && r[f] <= b; }
          : function (r) { var t = text(r[f]); return t >= String(v1) && t <= String(v2); };
      case '<': return num ? function (r) { return r[f] !== null && r[f] < a; } : function (r) { return text(r[f]) < String(v1); };
      case '<=': return num ? function (r) { return r[f] !== null && r[f] <= a; } : function (r) { return text(r[f]) <= String(v1); };
      case '>': return num ? function (r) { return r[f] !== null && r[f] > a; } : function (r) { return text(r[f]) > String(v1); };
      case '>=': return num ? function (r) { return r[f] !== null && r[f] >= a; } : function (r) { return text(r[f]) >= String(v1); };
      case 'is empty': return function (r) { return text(r[f]) === ''; };
      case 'not empty': return function (r) { return text(r[f]) !== ''; };
    }
    throw new Error('unknown operator ' + op);
  }
  function apply() {
    var preds = [];
    try {
      frows.querySelectorAll('.hk-filter').forEach(function (div) {
        preds.push(compile(Number(div.querySelector('.hk-f-col').value), div.querySelector('.hk-f-op').value,
          div.querySelector('.hk-f-v1').value, div.querySelector('.hk-f-v2').value));
      });
    } catch (e) { countEl.textContent = e.message; return; }
    var any = document.getElementById('hk-join').value === 'any';
    if (!preds.length) { table.clearFilter(); return; }
    table.setFilter(function (r) {
      for (var k = 0; k < preds.length; k++) {
        var ok = preds[k](r);
        if (any && ok) return true;
        if (!any && !ok) return false;
      }
      return !any;
    });
  }
  document.getElementById('hk-add-filter').onclick = function () { addFilter(); };
  document.getElementById('hk-apply').onclick = apply;
  document.getElementById('hk-clear').onclick = function () { frows.innerHTML = ''; table.clearFilter(); };
  // for scripted use (and tests): hkFilter([{col, op, value, value2}], 'all'|'any')
  window.hkFilter = function (conds, join) {
    frows.innerHTML = '';
    conds.forEach(function (c) { addFilter(c.col, c.op, c.value, c.value2); });
    document.getElementById('hk-join').value = join || 'all';
    apply();
  };
  addFilter();
})();
