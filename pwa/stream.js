// The SSE connection to `/events`. The browser's EventSource reconnects by
// itself and sends Last-Event-ID, so the logger replays what was missed.
// When the logger has too many clients, it sends a `busy` message with a
// longer `retry:` and ends the stream, and EventSource tries again later.
// This module adds what EventSource lacks. It reopens the stream after the
// browser gave up, e.g. on an error status. It reopens it when a phone
// shows the page again, because iOS drops streams of hidden pages without
// an error. And a watchdog reopens a silent one.

/** An open stream silent for this long, in ms, is reopened. */
const SILENCE_MS = 40000;
/** The same limit when the page is shown again, when iOS drops streams. */
const RESUME_SILENCE_MS = 10000;
/** Wait before reopening a stream the browser closed, in ms. */
const REOPEN_MS = 5000;

/**
 * `onStatus(snapshot)` gets each full snapshot, `onEvent(name, payload)`
 * each bus event in `eventNames`, `onLive(boolean)` each change between an
 * open stream and a broken one, and `onBusy(message)` each `busy` message,
 * `{ error, maxClients, retryMs }`.
 */
export function createStream({
  eventNames,
  onStatus,
  onEvent,
  onLive,
  onBusy,
}) {
  let source = null;
  /** Null until the first open or error, so both are reported. */
  let live = null;
  /**
   * True after a `busy` message until the next event. A stream opens before
   * its first message, so an open alone does not count as live then.
   */
  let busy = false;
  let lastMessageAt = 0;
  let reopenTimer = null;

  function setLive(value) {
    if (value === live) return;
    live = value;
    onLive(value);
  }

  function scheduleReopen() {
    if (reopenTimer !== null) return;
    reopenTimer = setTimeout(() => {
      reopenTimer = null;
      open();
    }, REOPEN_MS);
  }

  function listen(name, handle) {
    source.addEventListener(name, (e) => {
      lastMessageAt = Date.now();
      busy = false;
      setLive(true);
      let payload;
      try {
        payload = JSON.parse(e.data);
      } catch (err) {
        console.warn('invalid SSE data for ' + name, err);
        return;
      }
      handle(payload);
    });
  }

  function open() {
    close();
    source = new EventSource('/events');
    lastMessageAt = Date.now();
    source.addEventListener('open', () => {
      if (!busy) setLive(true);
    });
    source.addEventListener('busy', (e) => {
      lastMessageAt = Date.now();
      busy = true;
      setLive(false);
      let message = { error: 'too many live pages, retrying' };
      try {
        message = JSON.parse(e.data);
      } catch (err) {
        console.warn('invalid SSE data for busy', err);
      }
      onBusy(message);
    });
    source.addEventListener('error', () => {
      setLive(false);
      if (source && source.readyState === EventSource.CLOSED) {
        scheduleReopen();
      }
    });
    listen('status', onStatus);
    for (const name of eventNames) {
      listen(name, (payload) => onEvent(name, payload));
    }
  }

  function close() {
    if (reopenTimer !== null) clearTimeout(reopenTimer);
    reopenTimer = null;
    if (source) source.close();
    source = null;
  }

  /**
   * Reopens a stream that is gone, or that is open but silent for longer
   * than `maxSilenceMs`, because iOS can leave a dead stream open. A stream
   * that is reconnecting is left to the browser, which sends Last-Event-ID.
   */
  function reopenIfStalled(maxSilenceMs) {
    if (!source || source.readyState === EventSource.CLOSED) {
      open();
      return;
    }
    const silentMs = Date.now() - lastMessageAt;
    if (source.readyState === EventSource.OPEN && silentMs > maxSilenceMs) {
      open();
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      reopenIfStalled(RESUME_SILENCE_MS);
    }
  });
  window.addEventListener('online', () => reopenIfStalled(SILENCE_MS));
  setInterval(() => {
    if (document.visibilityState === 'visible') reopenIfStalled(SILENCE_MS);
  }, SILENCE_MS / 2);

  return { open, close, isLive: () => live === true };
}
