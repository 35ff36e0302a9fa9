// huntkit entity graph: incidents, alerts and entities, force layout (Apache ECharts).
(function () {
  'use strict';
  var cfg = HK.json('hk-config');
  var d = HK.json('hk-data');
  var kinds = cfg.kinds;
  var byId = {}, neighbours = {};
  d.nodes.forEach(function (n, i) { byId[n.id] = i; neighbours[n.id] = []; });
  d.edges.forEach(function (e) { neighbours[e.from].push(e.to); neighbours[e.to].push(e.from); });
  function size(n) {
    if (n.kind === 'incident') return 34;
    if (n.kind === 'alert') return 22;
    return 10 + Math.min(18, 3 * neighbours[n.id].length);
  }
  var nodes = d.nodes.map(function (n) {
    return { id: n.id, name: n.label, value: n.detail || '', category: kinds.indexOf(n.kind), symbolSize: size(n),
      kind: n.kind, label: { show: n.kind === 'incident' || neighbours[n.id].length > 1 } };
  });
  var links = d.edges.map(function (e) { return { source: e.from, target: e.to }; });
  var chart = echarts.init(document.getElementById('hk-chart'));
  window.hkChart = chart;
  function done() {
    var shared = d.nodes.filter(function (n) {
      return n.kind !== 'alert' && n.kind !== 'incident' && neighbours[n.id].length > 1;
    }).length;
    window.hkRendered = { nodes: d.nodes.length, links: d.edges.length, shared: shared, kinds: kinds.slice() };
  }
  chart.on('rendered', done);
  chart.on('finished', done);
  chart.setOption({
    tooltip: { formatter: function (p) {
      if (p.dataType === 'edge') return '';
      return '<b>' + HK.esc(p.data.kind) + '</b>: ' + HK.esc(p.data.name) + (p.data.value ? '<br>' + HK.esc(p.data.value) : '') +
        '<br>' + neighbours[p.data.id].length + ' links';
    } },
    legend: [{ data: kinds, top: 4 }],
    toolbox: { feature: { restore: {}, saveAsImage: {} } },
    series: [{
      type: 'graph', layout: 'force', roam: true, draggable: true, data: nodes, links: links,
      categories: kinds.map(function (k) { return { name: k }; }),
      force: { repulsion: 140, edgeLength: [40, 120], gravity: 0.08 },
      label: { position: 'right', formatter: function (p) { return HK.head(p.data.name, 32); } },
      emphasis: { focus: 'adjacency', lineStyle: { width: 3 } },
      lineStyle: { color: 'source', opacity: 0.6 }
    }]
  });
  var search = document.getElementById('hk-search'), found = document.getElementById('hk-found');
  search.addEventListener('input', function () {
    var q = search.value.trim().toLowerCase();
    var hits = [];
    if (q) nodes.forEach(function (n, i) { if ((n.name + ' ' + n.value).toLowerCase().indexOf(q) >= 0) hits.push(i); });
    chart.dispatchAction({ type: 'downplay', seriesIndex: 0 });
    if (hits.length) chart.dispatchAction({ type: 'highlight', seriesIndex: 0, dataIndex: hits });
    found.textContent = q ? hits.length + ' found' : '';
    window.hkFound = hits.length;
  });
  var details = document.getElementById('hk-details');
  chart.on('click', function (p) {
    if (p.dataType !== 'node') return;
    document.getElementById('hk-details-title').textContent = p.data.kind + ': ' + p.data.name;
    var ul = document.getElementById('hk-details-list');
    ul.innerHTML = '';
    neighbours[p.data.id].forEach(function (id) {
      var n = d.nodes[byId[id]];
      var li = document.createElement('li');
      li.textContent = n.kind + ': ' + n.label;
      ul.appendChild(li);
    });
    details.hidden = false;
  });
  document.getElementById('hk-details-close').addEventListener('click', function () { details.hidden = true; });
  window.addEventListener('resize', function () { chart.resize(); });
})();
