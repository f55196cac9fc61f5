'use strict';
// The Parallax page: plain DOM, no build step. Every value from the API goes in through textContent.

const $ = (id) => document.getElementById(id);
const keyInput = $('api-key');
keyInput.value = localStorage.getItem('parallax.key') || '';
keyInput.addEventListener('change', () => localStorage.setItem('parallax.key', keyInput.value.trim()));

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const key = keyInput.value.trim();
  if (key) h['Authorization'] = 'Bearer ' + key;
  return h;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === 'class') node.className = v; else if (k === 'title') node.title = v; else node.setAttribute(k, v);
  });
  children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

function showError(problem) {
  const box = $('error');
  box.replaceChildren(el('strong', {}, problem.title || 'Error'), ' ', problem.detail || '');
  if (Array.isArray(problem.errors) && problem.errors.length) {
    box.append(el('ul', {}, problem.errors.map((e) => el('li', {}, e.field + ': ' + e.message))));
  }
  box.hidden = false;
}

function clearError() { $('error').hidden = true; }

async function api(path, options) {
  const response = await fetch(path, Object.assign({}, options, { headers: headers((options || {}).headers) }));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { title: 'HTTP ' + response.status, detail: text }; }
  if (!response.ok) {
    const problem = body && typeof body === 'object' ? body : { title: 'HTTP ' + response.status };
    problem.status = response.status;
    throw problem;
  }
  return body;
}

// Server-sent events through fetch, so that the API key can go in a header (EventSource cannot send one).
async function streamEvents(path, onEvent) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }) });
  if (!response.ok) throw await response.json().catch(() => ({ title: 'HTTP ' + response.status }));
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message'; let data = '';
      block.split('\n').forEach((line) => {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      });
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

// ---- check page ----
let regionsRequested = [];

async function loadRegionChoices() {
  try {
    const regions = await api('/api/v1/regions');
    const box = $('region-choices');
    box.replaceChildren(...regions.map((r) => el('label', {},
      el('input', Object.assign({ type: 'checkbox', name: 'region', value: r.region }, r.liveAgents > 0 ? { checked: '' } : {})),
      ' ' + r.region + ' ', el('span', { class: 'muted' }, '(' + r.liveAgents + ' live)'))));
  } catch (problem) { showError(problem); }
}

function parsePorts(text) {
  return text.split(',').map((p) => p.trim()).filter((p) => p).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

async function submitCheck(event) {
  event.preventDefault();
  clearError();
  const form = event.target;
  const regions = [...form.querySelectorAll('input[name=region]:checked')].map((i) => i.value);
  const body = { target: form.target.value.trim(), ports: parsePorts(form.ports.value), timeoutMs: Number(form.timeoutMs.value) };
  if (regions.length) body.regions = regions;
  try {
    const accepted = await api('/api/v1/checks', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    location.hash = '#/checks/' + accepted.id;
  } catch (problem) { showError(problem); }
}

async function showCheck(id) {
  clearError();
  let check;
  try { check = await api('/api/v1/checks/' + encodeURIComponent(id)); } catch (problem) { showError(problem); return; }
  $('result').hidden = false;
  $('result-title').textContent = check.target + ' — ports ' + check.ports;
  regionsRequested = check.regions.map((r) => r.region);
  const answers = {};
  check.regions.forEach((r) => { answers[r.region] = r; });
  renderMatrix(check, answers);
  if (check.status === 'COMPLETE') { $('summary').textContent = check.comparison.summary; return; }
  $('summary').textContent = 'Waiting for ' + regionsRequested.length + ' region(s)…';
  try {
    await streamEvents('/api/v1/checks/' + encodeURIComponent(id) + '/events', (name, data) => {
      if (name === 'region') { answers[data.region] = data; renderMatrix(check, answers); }
      if (name === 'complete') {
        data.regions.forEach((r) => { answers[r.region] = r; });
        renderMatrix(data, answers);
        $('summary').textContent = data.comparison.summary;
        loadRecent();
      }
    });
  } catch (problem) { showError(problem); }
}

function portsOf(check, answers) {
  const ports = new Set();
  Object.values(answers).forEach((r) => (r.ports || []).forEach((p) => ports.add(p.port)));
  check.ports.split(',').forEach((part) => {
    const [a, b] = part.split('-').map(Number);
    for (let p = a; p <= (b || a) && ports.size < 64; p++) ports.add(p);
  });
  return [...ports].sort((x, y) => x - y);
}

function renderMatrix(check, answers) {
  const ports = portsOf(check, answers);
  const divergent = new Set((check.comparison && check.comparison.divergentPorts) || []);
  const head = el('tr', {}, el('th', {}, 'Region'), el('th', {}, 'Address'),
    ports.map((p) => el('th', divergent.has(p) ? { class: 'divergent', title: 'regions disagree on this port' } : {}, String(p))));
  const rows = [];
  regionsRequested.forEach((name) => {
    const region = answers[name] || { region: name, status: 'PENDING', ports: [] };
    const addresses = [...new Set((region.ports || []).map((p) => p.address))];
    if (!addresses.length) {
      const pending = region.status === 'PENDING';
      rows.push(el('tr', { 'data-region': name }, el('th', {}, name), el('td', { class: 'region-status' },
        pending ? 'waiting…' : region.status + (region.message ? ': ' + region.message : '')),
        ports.map(() => el('td', { class: 'cell ' + (pending ? 'PENDING' : 'ERROR'), title: region.status }, pending ? '…' : '—'))));
      return;
    }
    addresses.forEach((address) => {
      rows.push(el('tr', { 'data-region': name }, el('th', {}, name), el('td', {}, address), ports.map((port) => {
        const p = region.ports.find((x) => x.address === address && x.port === port);
        if (!p) return el('td', { class: 'cell PENDING' }, '…');
        return el('td', { class: 'cell ' + p.state, 'data-port': String(port),
          title: p.state + ' (' + p.reason + '), ' + (p.rttMicros / 1000).toFixed(1) + ' ms' + (p.message ? ': ' + p.message : '') },
        p.state.toLowerCase());
      })));
    });
  });
  $('matrix').replaceChildren(el('thead', {}, head), el('tbody', {}, rows));
}

async function loadRecent() {
  try {
    const page = await api('/api/v1/checks?limit=10');
    $('recent').replaceChildren(...page.checks.map((c) => el('li', {},
      el('a', { href: '#/checks/' + c.id }, c.target + ' : ' + c.ports), ' ',
      el('span', { class: 'muted' }, c.status + ', ' + new Date(c.createdAt).toLocaleString()), ' ',
      c.divergentPorts > 0 ? el('span', { class: 'badge' }, 'regions disagree') : '')));
  } catch (problem) { /* the form shows errors; an empty list is enough here */ }
}

// ---- schedules page ----
async function loadSchedules() {
  try {
    const schedules = await api('/api/v1/schedules');
    $('schedule-list').replaceChildren(...(schedules.length ? schedules.map((s) => el('li', {},
      el('a', { href: '#/schedules/' + s.id }, s.target + ' : ' + s.ports), ' ',
      el('span', { class: 'muted' }, (s.every ? 'every ' + s.every : 'cron ' + s.cron) + (s.paused ? ', paused' : ''))))
      : [el('li', { class: 'muted' }, 'No schedules yet: create one with POST /api/v1/schedules or parallax schedule create.')]));
  } catch (problem) { showError(problem); }
}

async function showSchedule(id) {
  clearError();
  $('schedule-detail').hidden = false;
  try {
    const schedule = await api('/api/v1/schedules/' + encodeURIComponent(id));
    $('schedule-title').textContent = schedule.target + ' — ports ' + schedule.ports;
    const uptime = await api('/api/v1/schedules/' + encodeURIComponent(id) + '/uptime?window=' + $('uptime-window').value);
    const rows = [];
    uptime.regions.forEach((r) => r.ports.forEach((p) => rows.push(el('tr', {}, el('td', {}, r.region), el('td', {}, String(p.port)),
      el('td', {}, p.availability == null ? '—' : (p.availability * 100).toFixed(2) + ' %'),
      el('td', {}, p.samples + ' probes'),
      el('td', {}, p.latencyMicros && p.latencyMicros.p50 != null ? (p.latencyMicros.p50 / 1000).toFixed(1) + ' ms' : '—'),
      el('td', {}, p.latencyMicros && p.latencyMicros.p95 != null ? (p.latencyMicros.p95 / 1000).toFixed(1) + ' ms' : '—')))));
    $('uptime').replaceChildren(el('thead', {}, el('tr', {}, ['Region', 'Port', 'Up (' + uptime.expect.toLowerCase() + ')', 'Samples', 'p50', 'p95'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows));
    const history = await api('/api/v1/schedules/' + encodeURIComponent(id) + '/history?limit=60');
    drawChart(history.runs.slice().reverse(), uptime.expect);
  } catch (problem) { showError(problem); }
}

// Connect time per region over the last runs (lines), with a red mark where a run was down.
function drawChart(runs, expect) {
  const ns = 'http://www.w3.org/2000/svg';
  const width = 640; const height = 220; const pad = 34;
  const series = {};
  runs.forEach((run, i) => (run.regions || []).forEach((r) => (r.ports || []).forEach((p) => {
    const key = r.region + ' :' + p.port;
    (series[key] = series[key] || []).push({ i, ms: p.rttMicros / 1000, up: p.state === expect });
  })));
  const max = Math.max(1, ...Object.values(series).flat().map((s) => s.ms));
  const x = (i) => pad + (runs.length <= 1 ? 0 : (i * (width - 2 * pad)) / (runs.length - 1));
  const y = (ms) => height - pad - (ms / max) * (height - 2 * pad);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  const colors = ['#1f77b4', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22'];
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
    if (text) n.textContent = text;
    svg.append(n);
  };
  add('text', { x: 4, y: 14, 'font-size': 11 }, max.toFixed(1) + ' ms');
  add('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#999' });
  Object.entries(series).forEach(([key, points], k) => {
    const color = colors[k % colors.length];
    add('polyline', { fill: 'none', stroke: color, 'stroke-width': 1.5, points: points.map((p) => x(p.i) + ',' + y(p.ms)).join(' ') });
    points.filter((p) => !p.up).forEach((p) => add('circle', { cx: x(p.i), cy: y(p.ms), r: 3.5, fill: '#c8372d' }));
    add('text', { x: pad + k * 120, y: height - 8, 'font-size': 11, fill: color }, key);
  });
  if (!runs.length) add('text', { x: pad, y: height / 2, 'font-size': 13 }, 'No runs yet.');
  $('chart').replaceChildren(svg);
}

// ---- regions page ----
async function loadRegions() {
  try {
    const [regions, agents] = await Promise.all([api('/api/v1/regions'), api('/api/v1/agents')]);
    $('regions').replaceChildren(el('thead', {}, el('tr', {}, ['Region', 'Live agents', 'Agents', 'Last seen'].map((h) => el('th', {}, h)))),
      el('tbody', {}, regions.map((r) => el('tr', {}, el('td', {}, r.region), el('td', {}, String(r.liveAgents)),
        el('td', {}, String(r.agents)), el('td', {}, r.lastSeen ? new Date(r.lastSeen).toLocaleString() : 'never')))));
    $('agents').replaceChildren(el('thead', {}, el('tr', {}, ['Agent', 'Region', 'Online', 'Egress', 'Version'].map((h) => el('th', {}, h)))),
      el('tbody', {}, agents.map((a) => el('tr', {}, el('td', {}, a.agentId), el('td', {}, a.region),
        el('td', {}, a.online ? 'yes' : 'no'), el('td', {}, (a.egressAddresses || []).join(', ')), el('td', {}, a.version || '')))));
  } catch (problem) { showError(problem); }
}

// ---- routing ----
function route() {
  const hash = location.hash || '#/';
  const [, page, id] = hash.split('/');
  const name = page === 'schedules' ? 'schedules' : page === 'regions' ? 'regions' : 'check';
  document.querySelectorAll('.page').forEach((s) => { s.hidden = s.id !== 'page-' + name; });
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === name));
  clearError();
  if (name === 'check') {
    loadRecent();
    if (page === 'checks' && id) showCheck(id); else $('result').hidden = true;
  } else if (name === 'schedules') {
    loadSchedules();
    if (id) showSchedule(id); else $('schedule-detail').hidden = true;
  } else {
    loadRegions();
  }
}

$('check-form').addEventListener('submit', submitCheck);
$('uptime-window').addEventListener('change', () => route());
window.addEventListener('hashchange', route);
loadRegionChoices();
route();
