// huntkit map: points on an embedded world map (Apache ECharts geo + world-atlas outlines).
(function () {
  'use strict';
  var cfg = HK.json('hk-config'), d = HK.data(), topo = HK.json('hk-world');
  var world = topojson.feature(topo, topo.objects.countries);
  // Rings that cross the antimeridian (Russia, Fiji) would draw a line across the map: move
  // their western part east of 180°. Polar rings (Antarctica) are left alone.
  function fixRing(ring) {
    var jumps = false, polar = false;
    for (var i = 1; i < ring.length; i++) {
      if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) jumps = true;
      if (ring[i][1] < -60) polar = true;
    }
    if (!jumps || polar) return ring;
    return ring.map(function (p) { return p[0] < 0 ? [p[0] + 360, p[1]] : p; });
  }
  world.features.forEach(function (f) {
    var g = f.geometry;
    if (!g) return;
    if (g.type === 'Polygon') g.coordinates = g.coordinates.map(fixRing);
    if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map(function (poly) { return poly.map(fixRing); });
  });
  echarts.registerMap('world', world);
  var lat = HK.col(d, cfg.lat).values, lon = HK.col(d, cfg.lon).values;
  var size = cfg.size ? HK.col(d, cfg.size).values : null;
  var ccol = cfg.color ? HK.col(d, cfg.color) : null;
  var maxSize = 0;
  if (size) size.forEach(function (v) { if (v !== null && Math.abs(v) > maxSize) maxSize = Math.abs(v); });
  // rows at the same position: without a size column the point grows with their number
  var here = {};
  for (var q = 0; q < d.n; q++) { var key = lon[q] + ',' + lat[q]; here[key] = (here[key] || 0) + 1; }
  function rowsAt(i) { return here[lon[i] + ',' + lat[i]] || 1; }
  function symbolSize(val) {
    if (!size) { var c = here[val[0] + ',' + val[1]] || 1; return Math.min(8 + 5 * Math.log2(c), 40); }
    if (!maxSize) return 8;
    return 4 + 26 * Math.sqrt(Math.abs(val[2] || 0) / maxSize);
  }
  var numericColor = ccol && (ccol.type === 'int' || ccol.type === 'float');
  var tips = cfg.tooltip || [];
  function item(i) {
    return { value: [lon[i], lat[i], size ? size[i] : 1, numericColor ? ccol.values[i] : 0], idx: i };
  }
  var series = [], base = {
    type: 'scatter', coordinateSystem: 'geo', symbolSize: symbolSize, large: d.n > 20000,
    emphasis: { scale: 1.4 }, itemStyle: { opacity: 0.8, borderColor: '#fff', borderWidth: 0.5 }
  };
  var visualMap;
  if (ccol && !numericColor) {
    var cm = HK.colorMap(ccol.values), per = {};
    for (var i = 0; i < d.n; i++) {
      var k = ccol.values[i] === null ? '' : String(ccol.values[i]);
      if (cm.keys.indexOf(k) >= HK.palette.length) k = '(other)';
      (per[k] = per[k] || []).push(item(i));
    }
    Object.keys(per).forEach(function (k) {
      series.push(Object.assign({}, base, { name: k || '(empty)', data: per[k], itemStyle: Object.assign({}, base.itemStyle, { color: cm.map[k] || '#999' }) }));
    });
  } else {
    var all = [];
    for (var j = 0; j < d.n; j++) all.push(item(j));
    series.push(Object.assign({}, base, { name: 'points', data: all, itemStyle: Object.assign({}, base.itemStyle, { color: '#d62728' }) }));
    if (numericColor) {
      var lo = Infinity, hi = -Infinity;
      ccol.values.forEach(function (v) { if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
      visualMap = { type: 'continuous', dimension: 3, min: lo, max: hi === lo ? lo + 1 : hi, text: [cfg.color, ''], calculable: true,
        inRange: { color: ['#4575b4', '#fee090', '#d73027'] }, left: 10, bottom: 20 };
    }
  }
  var chart = echarts.init(document.getElementById('hk-chart'));
  window.hkChart = chart;
  // hkRendered tells scripts (and the browser tests) what was drawn.
  function done() { window.hkRendered = { points: d.n, series: series.length }; }
  chart.on('rendered', done);
  chart.on('finished', done);
  chart.setOption({
    tooltip: { trigger: 'item', confine: true, formatter: function (p) {
      if (p.seriesType !== 'scatter') return HK.esc(p.name || '');
      var i = p.data.idx;
      var n = rowsAt(i);
      return '<b>' + HK.esc(cfg.latName) + '</b> ' + lat[i] + ', <b>' + HK.esc(cfg.lonName) + '</b> ' + lon[i] +
        (n > 1 ? ' (' + n + ' rows here)' : '') + '<br>' + HK.rowLines(d, tips, i);
    } },
    legend: series.length > 1 ? { type: 'scroll', top: 5 } : undefined,
    visualMap: visualMap,
    toolbox: { feature: { restore: {}, saveAsImage: {} } },
    geo: { map: 'world', roam: true, zoom: 1.15, itemStyle: { areaColor: '#e4e9ef', borderColor: '#9aa5b1', borderWidth: 0.5 },
      emphasis: { itemStyle: { areaColor: '#cfd8e3' }, label: { show: false } } },
    series: series
  });
  window.addEventListener('resize', function () { chart.resize(); });
})();
