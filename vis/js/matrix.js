// huntkit matrix: two columns against each other, dot size by count (Apache ECharts).
(function () {
  'use strict';
  var cfg = HK.json('hk-config');
  var maxSize = Math.max(8, Math.min(46, 900 / Math.max(cfg.xcats.length, cfg.ycats.length)));
  var chart = echarts.init(document.getElementById('hk-chart'));
  window.hkChart = chart;
  // hkRendered tells scripts (and the browser tests) what was drawn.
  function done() { window.hkRendered = { points: cfg.cells.length }; }
  chart.on('rendered', done);
  chart.on('finished', done);
  chart.setOption({
    grid: { left: 160, right: 40, top: 30, bottom: 140 },
    tooltip: { trigger: 'item', formatter: function (p) {
      return '<b>' + HK.esc(cfg.x) + '</b>: ' + HK.esc(cfg.xcats[p.data[0]]) + '<br><b>' + HK.esc(cfg.y) + '</b>: ' +
        HK.esc(cfg.ycats[p.data[1]]) + '<br><b>count</b>: ' + p.data[2];
    } },
    toolbox: { feature: { dataZoom: {}, restore: {}, saveAsImage: {} } },
    xAxis: { type: 'category', data: cfg.xcats, name: cfg.x, nameLocation: 'middle', nameGap: 110,
      triggerEvent: true, axisLabel: { rotate: 45, interval: 0, formatter: function (v) { return HK.head(v, 20); } }, splitLine: { show: true } },
    yAxis: { type: 'category', data: cfg.ycats, name: cfg.y, triggerEvent: true,
      axisLabel: { interval: 0, formatter: function (v) { return HK.head(v, 26); } }, splitLine: { show: true } },
    dataZoom: [{ type: 'inside', xAxisIndex: 0 }, { type: 'inside', yAxisIndex: 0 }],
    visualMap: { show: false, dimension: 2, min: 1, max: Math.max(cfg.max, 2), inRange: { color: ['#9ecae1', '#08519c'] } },
    series: [{ type: 'scatter', data: cfg.cells, symbolSize: function (v) { return 4 + maxSize * Math.sqrt(v[2] / cfg.max); },
      label: { show: cfg.cells.length < 400, formatter: function (p) { return p.data[2]; }, fontSize: 10 } }]
  });
  // Labels are cut at the end (the start of a host name tells hosts apart): hovering one shows
  // the whole value as the chart's tooltip title.
  var dom = document.getElementById('hk-chart');
  chart.on('mouseover', function (p) { if (p.targetType === 'axisLabel') dom.title = String(p.value); });
  chart.on('mouseout', function (p) { if (p.targetType === 'axisLabel') dom.title = ''; });
  window.addEventListener('resize', function () { chart.resize(); });
})();
