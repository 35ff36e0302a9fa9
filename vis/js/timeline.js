// huntkit timeline: events by group, values over time, or durations (Apache ECharts).
(function () {
  'use strict';
  var cfg = HK.json('hk-config'), d = HK.data();
  var tcol = HK.col(d, cfg.time), gcol = cfg.group ? HK.col(d, cfg.group) : null;
  var ecol = cfg.end ? HK.col(d, cfg.end) : null, vcol = cfg.value ? HK.col(d, cfg.value) : null;
  var n = d.n, T = tcol.values;
  // groups in order of their first event
  var order = [];
  for (var i = 0; i < n; i++) order.push(i);
  order.sort(function (a, b) { return (T[a] === null) - (T[b] === null) || T[a] - T[b]; });
  var gIndex = {}, groups = [];
  function gname(i) { var v = gcol ? gcol.values[i] : 'events'; return v === null || v === undefined ? '(empty)' : String(v); }
  order.forEach(function (i) { var g = gname(i); if (!(g in gIndex)) { gIndex[g] = groups.length; groups.push(g); } });
  var tips = cfg.tooltip || [];
  function tip(i) {
    var head = '<b>' + HK.esc(HK.fmtTime(T[i])) + '</b>';
    if (ecol && ecol.values[i] !== null) head += ' → <b>' + HK.esc(HK.fmtTime(ecol.values[i])) + '</b>';
    return head + '<br>' + HK.rowLines(d, tips, i);
  }
  var pal = HK.palette;
  var chart = echarts.init(document.getElementById('hk-chart'));
  window.hkChart = chart;
  var series = [], yAxis, points = 0, many = n > 4000;
  if (cfg.mode === 'values') {
    var per = {};
    order.forEach(function (i) {
      if (T[i] === null || vcol.values[i] === null) return;
      var g = gname(i);
      (per[g] = per[g] || []).push([T[i], vcol.values[i], i]);
      points++;
    });
    groups.forEach(function (g, k) {
      if (!per[g]) return;
      series.push({ name: g, type: cfg.bars ? 'bar' : 'line', data: per[g], showSymbol: per[g].length < 300,
        sampling: 'lttb', large: many, itemStyle: { color: pal[k % pal.length] }, barMaxWidth: 18 });
    });
    yAxis = { type: 'value', name: cfg.value, scale: true };
  } else if (cfg.mode === 'durations') {
    var data = [];
    order.forEach(function (i) {
      if (T[i] === null) return;
      var end = ecol.values[i] === null ? T[i] : ecol.values[i];
      data.push([T[i], end, gIndex[gname(i)], i]);
    });
    points = data.length;
    series.push({
      type: 'custom', name: 'durations', data: data, encode: { x: [0, 1], y: 2 },
      renderItem: function (params, api) {
        var g = api.value(2), s = api.coord([api.value(0), g]), e = api.coord([api.value(1), g]);
        var h = api.size([0, 1])[1] * 0.6;
        var cs = params.coordSys;
        var rect = echarts.graphic.clipRectByRect({ x: s[0], y: s[1] - h / 2, width: Math.max(e[0] - s[0], 2), height: h },
          { x: cs.x, y: cs.y, width: cs.width, height: cs.height });
        return rect && { type: 'rect', transition: ['shape'], shape: rect, style: { fill: pal[g % pal.length], opacity: 0.85 } };
      }
    });
    yAxis = { type: 'category', data: groups, name: cfg.group || '' };
  } else {
    var pts = [];
    order.forEach(function (i) { if (T[i] !== null) pts.push([T[i], gIndex[gname(i)], i]); });
    points = pts.length;
    series.push({
      type: 'scatter', name: 'events', data: pts, symbolSize: many ? 5 : 9, large: many, largeThreshold: 4000,
      itemStyle: { color: function (p) { return pal[p.data[1] % pal.length]; }, opacity: 0.8 }
    });
    yAxis = { type: 'category', data: groups, name: cfg.group || '', axisLabel: { formatter: function (v) { return HK.tail(v, 30); } } };
  }
  if (cfg.markers && cfg.markers.length && series.length) {
    series[0].markLine = {
      symbol: 'none', silent: false, lineStyle: { color: '#d62728', type: 'dashed', width: 1.5 },
      label: { formatter: '{b}', position: 'insideEndTop' },
      data: cfg.markers.map(function (m) { return { xAxis: m.t, name: m.label }; })
    };
  }
  var tooltip = cfg.mode === 'values'
    ? { trigger: 'axis', axisPointer: { type: 'cross' } }
    : { trigger: 'item', confine: true, formatter: function (p) { return p.componentType === 'markLine' ? HK.esc(p.name) : tip(p.data[cfg.mode === 'durations' ? 3 : 2]); } };
  var yZoom = yAxis.type === 'category' && groups.length > 25;
  // hkRendered tells scripts (and the browser tests) what was drawn.
  function done() { window.hkRendered = { points: points, groups: groups.length, series: series.length }; }
  chart.on('rendered', done);
  chart.on('finished', done);
  chart.setOption({
    animation: n < 5000,
    useUTC: true, // times are shown in UTC everywhere (tooltips, range text, markers)
    grid: { left: 190, right: yZoom ? 60 : 30, top: 40, bottom: 92 },
    legend: cfg.mode === 'values' && series.length > 1 ? { type: 'scroll', top: 5 } : undefined,
    tooltip: tooltip,
    toolbox: { feature: { brush: { type: ['lineX', 'clear'], title: { lineX: 'select a time range', clear: 'clear selection' } },
      dataZoom: { yAxisIndex: 'none' }, restore: {}, saveAsImage: {} } },
    brush: { xAxisIndex: 'all', brushLink: 'all', throttleType: 'debounce', throttleDelay: 150, outOfBrush: { colorAlpha: 1 } },
    xAxis: { type: 'time', name: cfg.time + ' (UTC)', nameLocation: 'middle', nameGap: 28,
      axisLabel: { hideOverlap: true, formatter: { year: '{yyyy}', month: '{MMM} {yyyy}', day: '{MMM} {d}', hour: '{HH}:{mm}',
        minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}', millisecond: '{HH}:{mm}:{ss}.{SSS}' } } },
    yAxis: yAxis,
    dataZoom: [{ type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', bottom: 15 }, { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' }]
      .concat(yZoom ? [{ type: 'slider', yAxisIndex: 0, right: 10, startValue: 0, endValue: 24 }, { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true }] : []),
    series: series
  });
  // range selection: the brush (toolbox or scripted) counts the events in the chosen period;
  // the zoom window is shown above the chart.
  var selEl = document.getElementById('hk-selection'), rangeEl = document.getElementById('hk-range');
  function countIn(lo, hi) {
    var c = 0;
    for (var i = 0; i < n; i++) {
      if (T[i] === null) continue;
      var end = ecol && ecol.values[i] !== null ? ecol.values[i] : T[i];
      if (end >= lo && T[i] <= hi) c++;
    }
    return c;
  }
  chart.on('brushSelected', function (p) {
    var areas = (p.batch && p.batch[0] && p.batch[0].areas) || [];
    if (!areas.length || !areas[0].coordRange) { selEl.textContent = ''; selEl.removeAttribute('data-count'); return; }
    var r = areas[0].coordRange, c = countIn(r[0], r[1]);
    selEl.textContent = ' · selected ' + HK.fmtTime(r[0]) + ' – ' + HK.fmtTime(r[1]) + ': ' + c + ' events';
    selEl.setAttribute('data-count', String(c));
  });
  function showRange() {
    var ext = chart.getModel().getComponent('xAxis', 0).axis.scale.getExtent();
    rangeEl.textContent = 'showing ' + HK.fmtTime(ext[0]) + ' – ' + HK.fmtTime(ext[1]) + ' (' + countIn(ext[0], ext[1]) + ' events)';
  }
  chart.on('datazoom', showRange);
  setTimeout(showRange, 0);
  // for scripts and tests: select [from, to] (ms or text) with the brush
  window.hkSelect = function (from, to) {
    var a = typeof from === 'number' ? from : Date.parse(from), b = typeof to === 'number' ? to : Date.parse(to);
    chart.dispatchAction({ type: 'brush', areas: [{ brushType: 'lineX', xAxisIndex: 0, coordRange: [a, b] }] });
  };
  window.addEventListener('resize', function () { chart.resize(); });
})();
