/**
 * The live page served at `/`: keys with their window and anomaly counts, the latest
 * persistence diagram of the selected key (H0 and H1 as birth/death points), and its recent
 * anomalies. It polls the query API every two seconds; no build step, no dependency.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>streaming-tda</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh;color:#222}
#keys{width:260px;overflow:auto;border-right:1px solid #ddd}
#keys div{padding:4px 10px;cursor:pointer;display:flex;justify-content:space-between}
#keys div:hover,#keys div.sel{background:#eef}
.an{color:#c00;font-weight:bold}
main{flex:1;padding:12px 20px;overflow:auto}
h1{font-size:18px;margin:0 0 8px} h2{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse} td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}
#status{color:#666;font-size:12px}
</style></head><body>
<nav id="keys"></nav>
<main><h1>streaming-tda</h1><div id="status"></div>
<h2 id="title">Select a key</h2><svg id="diagram" width="360" height="360"></svg>
<div id="info"></div><h2>Recent anomalies</h2><table id="anomalies"></table></main>
<script>
let selected = null;
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
async function getJson(url) { const r = await fetch(url); return r.ok ? r.json() : null; }
async function refresh() {
  const [keys, ready] = await Promise.all([getJson("/api/keys"), fetch("/ready").then((r) => r.json())]);
  $("status").textContent = "state: " + ready.state + (ready.ready ? " · ready" : " · not ready");
  if (!keys) return;
  $("keys").innerHTML = keys.keys.map((k) =>
    '<div data-key="' + esc(k.key) + '" class="' + (k.key === selected ? "sel" : "") + '"><span>' + esc(k.key) +
    '</span><span>' + k.windows + (k.anomalies ? ' <span class="an">' + k.anomalies + '!</span>' : "") + "</span></div>").join("");
  if (selected === null && keys.keys.length) selected = keys.keys[0].key;
  if (selected !== null) await showKey(selected);
}
async function showKey(key) {
  const latest = await getJson("/api/keys/" + encodeURIComponent(key) + "/latest");
  if (!latest) return;
  $("title").textContent = key + " · window " + latest.scale + " · seq " + latest.firstSeq + "–" + latest.lastSeq;
  $("info").innerHTML = "distance to previous: " + fmt(latest.distance) + " · score: " + fmt(latest.score) +
    (latest.anomaly ? ' · <span class="an">ANOMALY</span>' : "");
  drawDiagram(latest.diagrams, latest.threshold);
  const hist = await getJson("/api/keys/" + encodeURIComponent(key) + "/history?from=" + (latest.end - 600000));
  const rows = (hist ? hist.results : []).filter((r) => r.anomaly).slice(-10).reverse();
  $("anomalies").innerHTML = "<tr><th>end</th><th>seq</th><th>score</th></tr>" + rows.map((r) =>
    "<tr><td>" + new Date(r.end).toISOString() + "</td><td>" + r.lastSeq + "</td><td>" + fmt(r.score) + "</td></tr>").join("");
}
function fmt(x) { return x === null || x === undefined ? "–" : Number(x).toFixed(3); }
function drawDiagram(diagrams, threshold) {
  const size = 360, pad = 30, colors = ["#1f77b4", "#d62728", "#2ca02c"];
  let max = threshold || 0;
  for (const d in diagrams) for (const [b, e] of diagrams[d]) max = Math.max(max, b, e === null ? 0 : e);
  max = max || 1;
  const sx = (v) => pad + (v / max) * (size - 2 * pad), sy = (v) => size - pad - (v / max) * (size - 2 * pad);
  let svg = '<line x1="' + sx(0) + '" y1="' + sy(0) + '" x2="' + sx(max) + '" y2="' + sy(max) + '" stroke="#999"/>';
  svg += '<text x="' + pad + '" y="' + (size - 8) + '" font-size="11">birth (max ' + max.toFixed(3) + ')</text>';
  for (const d in diagrams) for (const [b, e] of diagrams[d]) {
    const y = e === null ? sy(max) : sy(e);
    svg += '<circle cx="' + sx(b) + '" cy="' + y + '" r="3" fill="' + (colors[d] || "#000") + '" fill-opacity="0.7"/>';
  }
  svg += Object.keys(diagrams).map((d, i) => '<text x="' + (size - 60) + '" y="' + (pad + 14 * i) + '" fill="' + (colors[d] || "#000") + '" font-size="12">H' + d + "</text>").join("");
  $("diagram").innerHTML = svg;
}
$("keys").addEventListener("click", (e) => { const el = e.target.closest("[data-key]"); if (el) { selected = el.dataset.key; refresh(); } });
refresh(); setInterval(refresh, 2000);
</script></body></html>
`;
