// Number and time formatting shared by the views. Every formatter returns
// an en dash for a missing value, so a blank never looks like zero.

export const MISSING = '–';

export function formatNumber(value, unit, digits) {
  if (value === null || value === undefined || !isFinite(value)) {
    return MISSING;
  }
  return value.toFixed(digits) + ' ' + unit;
}

/** Energy in Wh below 1000 Wh, else in kWh, as on the logger's display. */
export function formatEnergy(wh) {
  if (wh === null || wh === undefined || !isFinite(wh)) return MISSING;
  if (Math.abs(Math.round(wh * 10) / 10) >= 1000) {
    return (wh / 1000).toFixed(3) + ' kWh';
  }
  return wh.toFixed(1) + ' Wh';
}

export function formatBytes(bytes) {
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

/** Local date and time of a Unix time in ms, seconds included. */
export function formatTime(ms) {
  if (ms === null || ms === undefined || !isFinite(ms)) return MISSING;
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** Local time of day of a Unix time in ms. */
export function formatClock(ms) {
  if (ms === null || ms === undefined || !isFinite(ms)) return MISSING;
  return new Date(ms).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** `YYYY-MM-DD` of the local day of a Unix time in ms. */
export function localDay(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error('missing element #' + id);
  return element;
}

/** Sets the text of element `id`, touching the DOM only on a change. */
export function setText(id, text) {
  const element = byId(id);
  if (element.textContent !== text) element.textContent = text;
}
