// huntkit view helpers shared by every view (own code, no dependencies).
var HK = (function () {
  'use strict';
  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  // data: {n, total, cols:[{name, type, values | dict+codes}]} -> cols with .values filled.
  function data() {
    var d = json('hk-data');
    if (!d) return { n: 0, total: 0, cols: [] };
    d.cols.forEach(function (c) {
      if (c.dict) {
        var dict = c.dict, codes = c.codes, v = new Array(codes.length);
        for (var i = 0; i < codes.length; i++) v[i] = codes[i] < 0 ? null : dict[codes[i]];
        c.values = v;
        delete c.codes;
      }
    });
    return d;
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function fmtTime(ms) {
    if (ms === null || ms === undefined || ms === '') return '';
    var d = new Date(ms);
    if (isNaN(d.getTime())) return String(ms);
    var s = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) + ' ' +
      pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2);
    var frac = ms - Math.floor(ms / 1000) * 1000;
    if (frac) s += '.' + pad(Math.floor(frac), 3);
    return s;
  }
  function fmt(type, v) {
    if (v === null || v === undefined) return '';
    if (type === 'time') return fmtTime(v);
    return String(v);
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  var palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
    '#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79'];
  // colorMap assigns palette colours to values, most frequent first.
  function colorMap(values) {
    var counts = {};
    values.forEach(function (v) { v = v === null ? '' : String(v); counts[v] = (counts[v] || 0) + 1; });
    var keys = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
    var m = {};
    keys.forEach(function (k, i) { m[k] = i < palette.length ? palette[i] : '#999999'; });
    return { map: m, keys: keys, counts: counts };
  }
  function col(d, name) {
    for (var i = 0; i < d.cols.length; i++) if (d.cols[i].name === name) return d.cols[i];
    return null;
  }
  // tooltip lines for row i from the named columns.
  function rowLines(d, names, i) {
    var out = [];
    names.forEach(function (n) {
      var c = col(d, n);
      if (c) out.push('<b>' + esc(n) + '</b>: ' + esc(fmt(c.type, c.values[i])).slice(0, 300));
    });
    return out.join('<br>');
  }
  // tail keeps the end of long labels (paths): "…\\System32\\cmd.exe".
  function tail(s, n) { s = String(s); n = n || 28; return s.length > n ? '…' + s.slice(s.length - n + 1) : s; }
  // head keeps the start of long labels (host names): "WKS-ENG-02.corp.eu-…".
  function head(s, n) { s = String(s); n = n || 28; return s.length > n ? s.slice(0, n - 1) + '…' : s; }
  return { head: head, tail: tail, json: json, data: data, fmt: fmt, fmtTime: fmtTime, esc: esc, palette: palette, colorMap: colorMap, col: col, rowLines: rowLines };
})();
