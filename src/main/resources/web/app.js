// FaceStream dashboard: plain JavaScript, no build step, no third-party code, talks only to this server.
// Every data call carries the API key the user typed, kept in sessionStorage (this tab only) and sent as an
// Authorization header: never in a URL, where it would reach logs and history. EventSource cannot send
// headers, so the live stream is read with fetch and parsed here; thumbnails are fetched too and shown as
// blob: URLs, since an <img src> cannot send headers either.
'use strict';

const MAX_ROWS = 60;
// Headless renderers (screenshots, reports) wait for the network to go idle, which an open event stream never
// does: they, and ?stream=off, poll the recent events instead; ?stream=on streams anyway.
const STREAM_PARAM = new URLSearchParams(location.search).get('stream');
const POLL_EVENTS = STREAM_PARAM === 'off' || (STREAM_PARAM !== 'on' && /HeadlessChrome/.test(navigator.userAgent));
const state = { threshold: null, histogram: null, thresholdHistory: [] };
const KEY_STORE = 'facestream.apiKey';
let session = null; // { timers, stream: AbortController } while signed in

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function authHeaders() {
  const key = sessionStorage.getItem(KEY_STORE);
  return key ? { Authorization: 'Bearer ' + key } : {};
}

async function getJson(path) {
  const r = await fetch(path, { cache: 'no-store', headers: authHeaders() });
  if (r.status === 401) {
    signOut('The API refused the key (revoked?). Enter a valid key.');
    throw new Error(path + ': 401');
  }
  if (!r.ok && r.status !== 503) throw new Error(path + ': ' + r.status);
  return r.json();
}

function timeOf(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function initials(name) {
  return name.split(/[_\s.-]+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}

function prettyName(id) {
  return id.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

// ---- live feed ----

function eventRow(ce, thumbnailPath, fresh) {
  const d = ce.data || {};
  const match = ce.subject && ce.subject !== 'unknown';
  const li = el('li', 'event-row' + (fresh ? ' fresh' : ''));
  li.dataset.id = ce.id;

  let face;
  if (thumbnailPath) {
    face = el('img', 'face');
    face.alt = '';
    loadThumbnail(face, thumbnailPath, () => face.replaceWith(placeholder(ce.subject, match)));
  } else {
    face = placeholder(ce.subject, match);
  }
  li.appendChild(face);

  const mid = el('div');
  mid.appendChild(el('div', 'who' + (match ? '' : ' unknown'), match ? prettyName(ce.subject) : 'Unknown face'));
  const best = !match && d.bestCandidateId ? ' · closest ' + prettyName(d.bestCandidateId) : '';
  mid.appendChild(el('div', 'meta', (d.cameraId || '') + ' · frame ' + d.frameSequence + ' · ' + timeOf(ce.time) + best));
  li.appendChild(mid);

  const right = el('div', 'score');
  const score = typeof d.score === 'number' ? d.score : -1;
  right.appendChild(el('div', '', score.toFixed(3)));
  const bar = el('div', 'bar');
  const fill = el('span', match ? 'match' : 'unknown');
  fill.style.width = Math.max(0, Math.min(1, score)) * 100 + '%';
  bar.appendChild(fill);
  right.appendChild(bar);
  li.appendChild(right);
  return li;
}

/** Fetches a thumbnail with the key and shows it as a blob: URL, released when its row goes. */
function loadThumbnail(img, path, onMissing) {
  fetch(path, { cache: 'default', headers: authHeaders() })
    .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
    .then((blob) => { img.src = URL.createObjectURL(blob); })
    .catch(onMissing);
}

function releaseRow(row) {
  row.querySelectorAll('img[src^="blob:"]').forEach((img) => URL.revokeObjectURL(img.src));
  row.remove();
}

function placeholder(subject, match) {
  return el('div', 'face ' + (match ? 'match' : 'unknown'), match ? initials(subject) : '?');
}

function addEvent(ce, thumbnailPath, fresh, atEnd) {
  const list = $('events');
  if (list.querySelector('[data-id="' + CSS.escape(ce.id) + '"]')) return;
  const row = eventRow(ce, thumbnailPath, fresh);
  if (atEnd) list.appendChild(row); else list.insertBefore(row, list.firstChild);
  while (list.children.length > MAX_ROWS) releaseRow(list.lastChild);
  $('events-empty').classList.toggle('hidden', list.children.length > 0);
  $('feed-count').textContent = list.children.length + ' shown';
}

async function loadEvents() {
  const body = await getJson('/api/v1/events?limit=' + MAX_ROWS);
  const first = $('events').children.length === 0;
  // oldest first, each on top: the list stays newest first across polls
  body.events.slice().reverse().forEach((ce) => addEvent(ce, body.thumbnails[ce.id], !first, false));
  $('events-empty').classList.toggle('hidden', body.events.length > 0);
}

function onStreamEvent(data) {
  const ce = JSON.parse(data);
  // the thumbnail arrives on the faces topic before the decision; the image falls back to initials if absent
  addEvent(ce, '/api/v1/events/' + ce.id + '/thumbnail.jpg', true, false);
}

/** Reads /api/v1/events/stream once (text/event-stream, parsed per the SSE rules); returns the retry delay. */
async function readStream(signal, retryMs) {
  const r = await fetch('/api/v1/events/stream', { cache: 'no-store', signal, headers: { ...authHeaders(), Accept: 'text/event-stream' } });
  if (r.status === 401) {
    signOut('The API refused the key (revoked?). Enter a valid key.');
    return retryMs;
  }
  if (!r.ok || !r.body) throw new Error('stream: ' + r.status);
  setStatus(true, 'live');
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return retryMs;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      let line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length) onStreamEvent(data.join('\n'));
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let v = colon < 0 ? '' : line.slice(colon + 1);
        if (v.startsWith(' ')) v = v.slice(1);
        if (field === 'data') data.push(v);
        else if (field === 'retry' && /^\d+$/.test(v)) retryMs = Number(v);
      }
    }
  }
}

async function connectStream(controller) {
  let retryMs = 3000;
  while (!controller.signal.aborted) {
    try {
      retryMs = await readStream(controller.signal, retryMs);
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    if (controller.signal.aborted) return;
    setStatus(false, 'reconnecting…');
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

function setStatus(ok, text) {
  $('status').className = 'status ' + (ok ? 'ok' : 'bad');
  $('status-text').textContent = text;
}

// ---- panels ----

async function refreshStats() {
  const s = await getJson('/api/v1/stats');
  $('kpi-subjects').textContent = s.gallery.subjects;
  $('kpi-matches').textContent = s.events.matches;
  $('kpi-unknowns').textContent = s.events.unknowns;
  $('kpi-dead').textContent = s.deadLetters.total;
  const reasons = [];
  Object.values(s.deadLetters.byStage).forEach((m) => Object.entries(m).forEach(([r, n]) => reasons.push(r + ' ' + n)));
  $('kpi-dead-reasons').textContent = reasons.join(' · ') || 'none';
  $('kpi-sse').textContent = s.sse.clients;
  state.histogram = s.scoreHistogram;
  drawHistogram();
}

async function refreshThreshold() {
  const t = await getJson('/api/v1/threshold');
  state.threshold = t.current;
  state.thresholdHistory = t.history;
  $('kpi-threshold').textContent = t.current.cosine.toFixed(3);
  $('kpi-policy').textContent = t.current.policy + ' · v' + t.current.version;
  drawThreshold();
  drawHistogram();
}

async function refreshCameras() {
  const body = await getJson('/api/v1/cameras');
  const box = $('cameras');
  box.replaceChildren();
  body.cameras.forEach((c) => {
    const tile = el('div', 'tile');
    const name = el('div', 'tile-name', c.cameraId);
    const recent = c.lastFrameAt && Date.now() - new Date(c.lastFrameAt).getTime() < 60000;
    name.appendChild(el('span', recent ? 'live' : 'idle', recent ? '● live' : 'idle'));
    tile.appendChild(name);
    const grid = el('div', 'tile-grid');
    const cell = (label, value) => { const d = el('div'); d.appendChild(el('b', '', value)); d.appendChild(document.createTextNode(label)); grid.appendChild(d); };
    cell('frames/s', c.framesPerSecond.toFixed(1));
    cell('faces/s', c.facesPerSecond.toFixed(1));
    cell('matches', String(c.matchesLastMinute));
    cell('worker lag', c.workerLag === null ? '–' : String(c.workerLag));
    tile.appendChild(grid);
    tile.appendChild(el('div', 'meta', c.lastFrameAt ? 'last frame ' + timeOf(c.lastFrameAt) : 'no frame yet'));
    box.appendChild(tile);
  });
  $('cameras-empty').classList.toggle('hidden', body.cameras.length > 0);
}

async function refreshSubjects() {
  const body = await getJson('/api/v1/subjects');
  const tbody = $('subjects');
  tbody.replaceChildren();
  body.subjects.forEach((s) => {
    const tr = el('tr');
    tr.appendChild(el('td', '', s.displayName === s.id ? prettyName(s.id) : s.displayName));
    tr.appendChild(el('td', '', String(s.templates)));
    tr.appendChild(el('td', '', s.modelPackId));
    tr.appendChild(el('td', '', new Date(s.enrolledAt).toLocaleString()));
    tbody.appendChild(tr);
  });
  $('subjects-count').textContent = body.count + (body.count === 1 ? ' subject' : ' subjects');
}

// ---- charts (canvas, device-pixel aware) ----

function prepare(canvas) {
  // drawn at the canvas's own resolution; CSS scales it to the panel width
  return { ctx: canvas.getContext('2d'), w: canvas.width, h: canvas.height };
}

function axes(ctx, w, h, pad, yMax, label) {
  ctx.strokeStyle = '#e3e7ee';
  ctx.fillStyle = '#6b7685';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = pad.t + (h - pad.t - pad.b) * i / 4;
    ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(w - pad.r, y); ctx.stroke();
    ctx.fillText(label(yMax * (4 - i) / 4), 4, y + 4);
  }
}

function drawHistogram() {
  const canvas = $('histogram');
  const { ctx, w, h } = prepare(canvas);
  ctx.clearRect(0, 0, w, h);
  const hist = state.histogram;
  const pad = { l: 34, r: 10, t: 10, b: 24 };
  if (!hist) return;
  const n = hist.matches.length;
  const yMax = Math.max(1, ...hist.matches, ...hist.unknowns);
  axes(ctx, w, h, pad, yMax, (v) => String(Math.round(v)));
  const plotW = w - pad.l - pad.r, plotH = h - pad.t - pad.b;
  const bw = plotW / n;
  const xOf = (score) => pad.l + (score - hist.from) / (hist.binWidth * n) * plotW;
  for (let i = 0; i < n; i++) {
    const x = pad.l + i * bw;
    const hu = plotH * hist.unknowns[i] / yMax, hm = plotH * hist.matches[i] / yMax;
    ctx.fillStyle = 'rgba(217,130,43,.85)';
    ctx.fillRect(x + 1, pad.t + plotH - hu, bw / 2 - 1, hu);
    ctx.fillStyle = 'rgba(30,158,99,.9)';
    ctx.fillRect(x + bw / 2, pad.t + plotH - hm, bw / 2 - 1, hm);
  }
  ctx.fillStyle = '#6b7685';
  for (let s = 0; s <= 1.0001; s += 0.2) {
    const v = Math.round(s * 10) / 10;
    ctx.fillText(v.toFixed(1), xOf(v) - 8, h - 6);
  }
  if (state.threshold) {
    const x = xOf(state.threshold.cosine);
    ctx.strokeStyle = '#7a4fd6'; ctx.lineWidth = 2; ctx.setLineDash([5, 4]);
    ctx.beginPath(); ctx.moveTo(x, pad.t); ctx.lineTo(x, pad.t + plotH); ctx.stroke();
    ctx.setLineDash([]);
  }
}

function drawThreshold() {
  const canvas = $('threshold');
  const { ctx, w, h } = prepare(canvas);
  ctx.clearRect(0, 0, w, h);
  const hist = state.thresholdHistory;
  if (!hist.length) return;
  const pad = { l: 40, r: 10, t: 10, b: 22 };
  const t0 = new Date(hist[0].at).getTime();
  const t1 = Math.max(Date.now(), t0 + 1000);
  const values = hist.map((c) => c.cosine);
  const lo = Math.max(-1, Math.min(...values) - 0.1), hi = Math.min(1, Math.max(...values) + 0.1);
  const plotW = w - pad.l - pad.r, plotH = h - pad.t - pad.b;
  ctx.strokeStyle = '#e3e7ee'; ctx.fillStyle = '#6b7685'; ctx.font = '11px system-ui, sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = pad.t + plotH * i / 4;
    ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(w - pad.r, y); ctx.stroke();
    ctx.fillText((hi - (hi - lo) * i / 4).toFixed(2), 4, y + 4);
  }
  const xOf = (t) => pad.l + (t - t0) / (t1 - t0) * plotW;
  const yOf = (v) => pad.t + (hi - v) / (hi - lo) * plotH;
  ctx.strokeStyle = '#7a4fd6'; ctx.lineWidth = 2.5;
  ctx.beginPath();
  hist.forEach((c, i) => {
    const x = xOf(new Date(c.at).getTime()), y = yOf(c.cosine);
    if (i === 0) ctx.moveTo(x, y); else { ctx.lineTo(x, yOf(hist[i - 1].cosine)); ctx.lineTo(x, y); }
  });
  ctx.lineTo(xOf(t1), yOf(values[values.length - 1]));
  ctx.stroke();
  ctx.fillStyle = '#7a4fd6';
  hist.forEach((c) => { ctx.beginPath(); ctx.arc(xOf(new Date(c.at).getTime()), yOf(c.cosine), 3.5, 0, 2 * Math.PI); ctx.fill(); });
  ctx.fillStyle = '#6b7685';
  ctx.fillText(timeOf(hist[0].at), pad.l, h - 5);
  const now = timeOf(new Date(t1).toISOString());
  ctx.fillText(now, w - pad.r - ctx.measureText(now).width, h - 5);
}

async function refreshAll() {
  const jobs = [refreshStats(), refreshCameras(), refreshSubjects(), refreshThreshold()];
  for (const j of jobs) {
    try { await j; } catch (e) { setStatus(false, 'API unreachable'); }
  }
}

async function health() {
  try {
    const h = await getJson('/api/v1/health');
    if (h.status !== 'ok') setStatus(false, 'broker unreachable');
  } catch (e) {
    setStatus(false, 'API unreachable');
  }
}

// ---- session: ask for a key, check it, then start; a refused key signs out ----

function start(who) {
  $('login').classList.add('hidden');
  $('who').textContent = who.keyId + ' · ' + who.role;
  $('who').classList.remove('hidden');
  $('sign-out').classList.remove('hidden');
  session = { timers: [], stream: new AbortController() };
  loadEvents().then(() => { if (POLL_EVENTS) setStatus(true, 'polling'); }).catch(() => setStatus(false, 'API unreachable'));
  refreshAll();
  if (POLL_EVENTS) {
    session.timers.push(setInterval(() => loadEvents().catch(() => setStatus(false, 'API unreachable')), 2000));
  } else {
    connectStream(session.stream);
  }
  health();
  session.timers.push(setInterval(refreshAll, 2000));
  session.timers.push(setInterval(health, 10000));
}

function signOut(message) {
  sessionStorage.removeItem(KEY_STORE);
  if (session) {
    session.timers.forEach(clearInterval);
    session.stream.abort();
    session = null;
  }
  $('who').classList.add('hidden');
  $('sign-out').classList.add('hidden');
  $('login-error').textContent = message || '';
  $('login').classList.remove('hidden');
  setStatus(false, 'signed out');
  $('api-key').focus();
}

/** Checks the stored key with /api/v1/whoami; starts on success, asks again otherwise. */
async function signIn() {
  if (!sessionStorage.getItem(KEY_STORE)) {
    signOut('');
    return;
  }
  try {
    const r = await fetch('/api/v1/whoami', { cache: 'no-store', headers: authHeaders() });
    if (r.status === 401) {
      signOut('The API refused this key.');
      return;
    }
    if (!r.ok) throw new Error(String(r.status));
    start(await r.json());
  } catch (e) {
    setStatus(false, 'API unreachable');
    setTimeout(signIn, 5000);
  }
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('api-key').value.trim();
  $('api-key').value = '';
  if (!key) return;
  sessionStorage.setItem(KEY_STORE, key);
  signIn();
});
$('sign-out').addEventListener('click', () => signOut(''));
signIn();
