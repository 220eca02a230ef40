// Renders the live values, the banners and the state of the control
// buttons from the status snapshot.
import {
  MISSING,
  byId,
  formatClock,
  formatEnergy,
  formatNumber,
  formatTime,
  setText,
} from './format.js';

function setBadge(id, text, kind) {
  const element = byId(id);
  setText(id, text);
  element.className = 'badge' + (kind ? ' ' + kind : '');
}

function showBanner(id, text) {
  const element = byId(id);
  element.hidden = !text;
  if (text && element.textContent !== text) element.textContent = text;
}

function renderReading(s) {
  const r = s.plug.reading;
  setText('power', r ? formatNumber(r.powerW, 'W', 1) : MISSING);
  setText('today', s.energyToday ? formatEnergy(s.energyToday.wh) : MISSING);
  setText('total', r ? formatEnergy(r.totalWh) : MISSING);
  setText('voltage', r ? formatNumber(r.voltageV, 'V', 1) : MISSING);
  setText('current', r ? formatNumber(r.currentA, 'A', 3) : MISSING);
  setText('temperature', r ? formatNumber(r.temperatureC, '°C', 1) : MISSING);
  setText(
    'reading-time',
    r ? formatTime(r.ts) + ' (' + r.timeSource + ')' : MISSING,
  );
}

function linkKind(link) {
  if (link === 'online') return 'good';
  if (link === 'unreachable') return 'bad';
  return 'warn';
}

function renderRelay(on) {
  let relay = 'unknown';
  let className = 'value';
  if (on !== null) {
    relay = on ? 'ON' : 'OFF';
    className += on ? ' on' : ' off';
  }
  setText('relay', relay);
  byId('relay').className = className;
  const button = byId('relay-button');
  button.setAttribute('aria-pressed', on ? 'true' : 'false');
  if (!button.disabled) button.textContent = on ? 'Switch off' : 'Switch on';
}

function renderPlug(s) {
  const plug = s.plug;
  const link = plug.link || 'unknown';
  setBadge(
    'link',
    link === 'unreachable' ? 'UNREACHABLE' : link,
    linkKind(link),
  );
  const device = plug.device;
  setText(
    'device',
    device
      ? device.model + ' ' + device.id + ' (firmware ' + device.ver + ')'
      : MISSING,
  );
  const errors = plug.reading && plug.reading.errors ? plug.reading.errors : [];
  setText('plug-errors', errors.length ? errors.join(', ') : 'none');
  const error = plug.lastError;
  setText('plug-error', error ? error.code + ': ' + error.message : 'none');
  const failure = s.lastCommandFailure;
  setText(
    'command-error',
    failure ? failure.method + ' failed: ' + failure.message : 'no failures',
  );

  renderRelay(plug.output);

  let banner = '';
  if (link === 'unreachable') {
    const retry = plug.retryInMs
      ? ', retrying in ' + Math.round(plug.retryInMs / 1000) + ' s'
      : '';
    const cause = error ? ' (' + error.message + ')' : '';
    banner = 'Plug unreachable' + retry + cause + '. Values are old.';
  } else if (errors.length) {
    banner = 'The plug reports: ' + errors.join(', ') + '.';
  }
  showBanner('plug-banner', banner);
}

const LOG_KINDS = {
  ok: 'good',
  writing: 'good',
  idle: '',
  off: 'warn',
  error: 'bad',
};

function renderLog(s) {
  const log = s.log;
  if (!log) {
    setBadge('log-status', 'unknown', '');
    return;
  }
  setBadge('log-status', log.status, LOG_KINDS[log.status] || '');
  setText('log-queue', String(log.queueLength));
  setText('log-dropped', String(log.dropped));
  setText('log-written', String(log.written));
  setText('log-file', log.file || MISSING);
  setText('log-error', log.lastError || 'none');
  const button = byId('log-button');
  const off = log.status === 'off';
  button.setAttribute('aria-pressed', off ? 'false' : 'true');
  if (!button.disabled) {
    button.textContent = off ? 'Start logging' : 'Stop logging';
  }
}

function renderClockAndNetwork(s, loggerNow) {
  const clock = s.clock;
  setText(
    'clock',
    clock.source + (clock.trusted ? ' (trusted)' : ' (not trusted)'),
  );
  setText('logger-time', formatTime(loggerNow));
  const wifi = s.wifi;
  let network = MISSING;
  if (wifi) network = wifi.ssid ? wifi.state + ', ' + wifi.ssid : wifi.state;
  setText('wifi', network);
  setText('ips', wifi && wifi.ips.length ? wifi.ips.join(', ') : MISSING);
  setText('sse-clients', String(s.server.sseClients));

  const banner = byId('clock-banner');
  banner.hidden = clock.trusted;
  if (!clock.trusted) {
    setText(
      'clock-banner-text',
      "The logger's clock is not set (source: " +
        clock.source +
        '), so new rows carry a guessed time.',
    );
  }
}

function renderLed(s) {
  const led = s.led;
  const swatch = byId('led-swatch');
  if (!led) {
    setText('led', MISSING);
    return;
  }
  swatch.style.background = 'rgb(' + led.rgb.join(',') + ')';
  setText('led', led.reason);
}

/**
 * Shows why the values are not live, or hides the banner when they are.
 * `connection` is 'connecting', 'live', 'down' or 'busy'. `updatedAt` is
 * the browser time of the values, or 0 for none. `busyMessage` is the
 * logger's `busy` message while `connection` is 'busy'.
 */
export function renderStaleBanner(connection, updatedAt, busyMessage) {
  const live = connection === 'live';
  document.body.classList.toggle('stale', !live);
  const age = updatedAt ? ' Values from ' + formatClock(updatedAt) + '.' : '';
  let state = 'Not live.';
  if (connection === 'connecting') state = 'Connecting…';
  else if (navigator.onLine === false) state = 'Offline.';
  else if (connection === 'busy' && busyMessage) {
    state =
      'Not live: ' +
      busyMessage.error +
      '. Close another tab of this page to free a slot.';
  }
  showBanner('stale-banner', live ? '' : state + age);
}

/**
 * `connection` and `busyMessage` are as for `renderStaleBanner`.
 * `updatedAt` is the browser time of the values; `loggerNow` the logger's
 * time now.
 */
export function renderLive(s, connection, updatedAt, loggerNow, busyMessage) {
  renderReading(s);
  renderPlug(s);
  renderLog(s);
  renderClockAndNetwork(s, loggerNow);
  renderLed(s);
  renderStaleBanner(connection, updatedAt, busyMessage);
}

export function renderConnection(live) {
  setBadge('connection', live ? 'live' : 'not live', live ? 'good' : 'bad');
}
