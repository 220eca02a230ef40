// Entry of the energy logger app: wires the status store, the SSE stream,
// the views and the controls together.
import { getJson, postJson, saveToken, savedToken } from './api.js';
import { drawFrame, watchDisplaySize } from './display.js';
import { byId, setText } from './format.js';
import { createHistory } from './history.js';
import {
  renderConnection,
  renderLive,
  renderStaleBanner,
} from './live-view.js';
import { renderMachines } from './machines.js';
import { createStore } from './store.js';
import { createStream } from './stream.js';
import { registerServiceWorker } from './sw-client.js';

const store = createStore();
const history = createHistory(store.loggerNow);
/**
 * 'connecting' until the stream opens or fails, then 'live', 'down', or
 * 'busy' while the logger has no room for another live page.
 */
let connection = 'connecting';
/** The logger's last `busy` message, until the stream is live again. */
let busyMessage = null;
let historyLoaded = false;

function render(name) {
  const s = store.get();
  if (!s) {
    renderStaleBanner(connection, 0, busyMessage);
    return;
  }
  renderLive(s, connection, store.updatedAt(), store.loggerNow(), busyMessage);
  if (name === 'status' || name === 'machine.transitioned') {
    renderMachines(byId('machines'), s.machines);
  }
  if (name === 'status' || name === 'display.frameRendered') {
    drawFrame(byId('display'), s.display ? s.display.lines : []);
  }
}

/** Shows `text` in the message banner, styled 'bad' (default) or 'warn'. */
function showMessage(text, kind = 'bad') {
  const message = byId('message');
  message.hidden = !text;
  message.className = 'banner ' + kind;
  message.textContent = text || '';
}

/** Opens the token dialog; resolves with the token or null on cancel. */
function askToken(reason) {
  const dialog = byId('token-dialog');
  const input = byId('token-input');
  setText('token-dialog-reason', 'The logger answered: ' + reason);
  input.value = savedToken();
  return new Promise((resolve) => {
    const onClose = () => {
      dialog.removeEventListener('close', onClose);
      const token = input.value.trim();
      resolve(dialog.returnValue === 'save' && token ? token : null);
      renderTokenState();
    };
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
  });
}

function renderTokenState() {
  setText(
    'token-state',
    savedToken() ? 'A token is saved in this browser.' : 'No token saved.',
  );
}

/** Runs a control request from `button`, busy until the reply. */
function wireCommand(button, busyText, request) {
  button.addEventListener('click', async () => {
    const s = store.get();
    if (!s || button.disabled) return;
    const [path, body] = request(s);
    button.disabled = true;
    button.textContent = busyText;
    const { error, reply } = await postJson(path, body, askToken);
    button.disabled = false;
    if (error) showMessage('Request failed: ' + error);
    else if (reply && reply.used === false) showMessage(reply.reason, 'warn');
    else showMessage('');
    render('command');
  });
}

function wireControls() {
  wireCommand(byId('relay-button'), 'Switching…', (s) => [
    '/api/plug',
    { on: !s.plug.output },
  ]);
  wireCommand(byId('log-button'), 'Sending…', (s) => [
    '/api/logging',
    { enabled: !s.log || s.log.status === 'off' },
  ]);
  const setClock = () => ['/api/time', { unixMs: Date.now() }];
  wireCommand(byId('time-button'), 'Setting…', setClock);
  wireCommand(byId('clock-banner-button'), 'Setting…', setClock);
  byId('token-cancel').addEventListener('click', () =>
    byId('token-dialog').close('cancel'),
  );
  byId('token-clear').addEventListener('click', () => {
    saveToken('');
    renderTokenState();
  });
  renderTokenState();
}

const SHORTCUT_KEY = 'energy-logger:shortcut';

function wireShortcut() {
  const input = byId('shortcut-name');
  const link = byId('shortcut-link');
  const update = () => {
    const name = input.value.trim();
    link.hidden = !name;
    link.href = 'shortcuts://run-shortcut?name=' + encodeURIComponent(name);
    link.textContent = 'Run shortcut "' + name + '"';
    try {
      localStorage.setItem(SHORTCUT_KEY, name);
    } catch (err) {
      console.warn('saving the shortcut name failed', err);
    }
  };
  input.value = localStorage.getItem(SHORTCUT_KEY) || '';
  input.addEventListener('input', update);
  update();
}

function setLive(value) {
  if (value) busyMessage = null;
  connection = 'down';
  if (value) connection = 'live';
  else if (busyMessage) connection = 'busy';
  renderConnection(value);
  render('connection');
}

function onBusy(message) {
  busyMessage = message;
  setLive(false);
}

function onStatus(snapshot) {
  store.load(snapshot);
  store.save();
  if (!historyLoaded) {
    historyLoaded = true;
    history.load();
  }
}

/** Shows the saved values at once, then requests the current status. */
async function start() {
  const savedAt = store.restore();
  try {
    const { data, fromCache } = await getJson('/api/status');
    // The stream's first message may have brought a newer snapshot.
    const streamFirst = connection === 'live';
    if (!streamFirst && (!fromCache || !savedAt)) store.load(data);
  } catch (err) {
    if (!savedAt) showMessage('The logger is not reachable: ' + err.message);
  }
  if (store.get() && !historyLoaded) {
    historyLoaded = true;
    history.load();
  }
}

store.subscribe(render);
wireControls();
wireShortcut();
watchDisplaySize(byId('display'));
setInterval(() => render('tick'), 1000);
window.addEventListener('pagehide', () => store.save());
createStream({
  eventNames: store.eventNames,
  onStatus,
  onEvent: store.apply,
  onLive: setLive,
  onBusy,
}).open();
start();
registerServiceWorker();
