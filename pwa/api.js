// Requests to the logger's JSON API. Control requests carry the API token
// from localStorage as a bearer token. After a 401 the page prompts for the
// token and sends the request again, at most twice.

const TOKEN_KEY = 'energy-logger:apiToken';

export function savedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function saveToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch (err) {
    console.warn('saving the API token failed', err);
  }
}

async function errorMessage(res) {
  try {
    const body = await res.json();
    if (body && typeof body.error === 'string') return body.error;
  } catch {
    // Not JSON: fall through to the status line.
  }
  return 'HTTP ' + res.status + ' ' + res.statusText;
}

/**
 * GETs JSON. Returns `{ data, fromCache }`, where `fromCache` is true when
 * the service worker returned its cached copy because the network failed.
 * Throws an Error with the server's message on an error status. `signal`
 * is an optional AbortSignal.
 */
export async function getJson(path, signal) {
  const res = await fetch(path, {
    headers: { Accept: 'application/json' },
    signal,
  });
  if (!res.ok) throw new Error(await errorMessage(res));
  const fromCache = res.headers.get('X-Served-From') === 'cache';
  return { data: await res.json(), fromCache };
}

/**
 * POSTs `body` as JSON. `askToken(message)` resolves with a token, or with
 * null when the user cancels. Resolves with `{ error, reply }`: `error` is
 * null on success, else the message, and `reply` is the JSON reply body of
 * a success, or null.
 */
export async function postJson(path, body, askToken) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const headers = { 'Content-Type': 'application/json' };
    const token = savedToken();
    if (token) headers.Authorization = 'Bearer ' + token;
    let res;
    try {
      res = await fetch(path, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
    } catch (err) {
      return failed('the logger is not reachable (' + err.message + ')');
    }
    if (res.ok) return { error: null, reply: await replyBody(res) };
    const message = await errorMessage(res);
    if (res.status !== 401) return failed(message);
    const entered = await askToken(message);
    if (entered === null) return failed('cancelled: ' + message);
    saveToken(entered);
  }
  return failed('the API token was rejected');
}

function failed(error) {
  return { error, reply: null };
}

/** Reads the JSON body of a success, or returns null when it has none. */
async function replyBody(res) {
  try {
    return await res.json();
  } catch {
    return null;
  }
}
