/**
 * The dashboard's one script (plain ES2017, served as /dashboard/app.js, no build step): it follows
 * serve's event stream and swaps in the HTML serve rendered, keeps the "last event" ages ticking,
 * and applies the group/state filter without a reload. Everything it shows comes escaped from serve.
 */
export const dashboardScript = `'use strict';
(function () {
  var body = document.body;
  var skew = Date.parse(body.dataset.now) - Date.now();
  var host = body.dataset.host || '';
  var conn = document.getElementById('conn');
  var form = document.getElementById('filters');
  var tbody = document.querySelector('#hosts tbody');

  function age(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + 's';
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + 'm' + String(seconds % 60).padStart(2, '0') + 's';
    return Math.floor(minutes / 60) + 'h' + String(minutes % 60).padStart(2, '0') + 'm';
  }
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll('[data-since]').forEach(function (el) {
      el.textContent = age((now - Date.parse(el.dataset.since)) / 1000);
    });
  }
  function wanted(row) {
    if (!form) return true;
    var group = form.elements.group.value, state = form.elements.state.value;
    if (group && row.dataset.groups.indexOf(' ' + group + ' ') < 0) return false;
    if (state === 'stalled') return row.classList.contains('stalled');
    return !state || row.dataset.state === state;
  }
  function filter() {
    if (!tbody) return;
    Array.prototype.forEach.call(tbody.rows, function (row) { row.hidden = !wanted(row); });
    var query = new URLSearchParams(new FormData(form));
    Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) query.delete(key); });
    var search = query.toString();
    history.replaceState(null, '', location.pathname + (search ? '?' + search : ''));
  }
  function fragment(html, tag) {
    var holder = document.createElement(tag);
    holder.innerHTML = html;
    return holder.firstElementChild;
  }
  var handlers = {
    row: function (data) {
      if (!tbody) return;
      var row = fragment(data.html, 'tbody');
      var old = document.getElementById(row.id);
      if (old) old.replaceWith(row); else tbody.appendChild(row);
      row.hidden = !wanted(row);
    },
    summary: function (data) { var el = document.getElementById('summary'); if (el) el.innerHTML = data.html; },
    host: function (data) { var el = document.getElementById('live'); if (el) el.innerHTML = data.html; },
    line: function (data) {
      var log = document.getElementById('log');
      if (!log || String(data.install) !== log.dataset.install) return;
      log.insertAdjacentHTML('beforeend', data.html);
      while (log.children.length > 500) log.removeChild(log.firstElementChild);
    }
  };
  if (form) {
    form.addEventListener('change', filter);
    form.addEventListener('submit', function (event) { event.preventDefault(); filter(); });
  }
  setInterval(tick, 1000);
  if (window.EventSource) {
    var stream = new EventSource('/dashboard/stream' + (host ? '?host=' + encodeURIComponent(host) : ''));
    Object.keys(handlers).forEach(function (name) {
      stream.addEventListener(name, function (message) { handlers[name](JSON.parse(message.data)); });
    });
    stream.onopen = function () { if (conn) { conn.textContent = 'live'; conn.className = 'live'; } };
    stream.onerror = function () { if (conn) { conn.textContent = 'reconnecting…'; conn.className = ''; } };
  }
})();
`;
