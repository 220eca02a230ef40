// The history panel: power and energy over a chosen range from
// `GET /api/history`, drawn with uPlot, and the log files of `GET /api/logs`
// as download links. uPlot is the global that /vendor/uplot.iife.min.js
// defines.
import { getJson } from './api.js';
import {
  byId,
  formatBytes,
  formatEnergy,
  localDay,
  setText,
} from './format.js';

const HOUR_MS = 3600000;
const CHART_HEIGHT = 260;

/** Returns the range the form selects, in logger time (Unix ms). */
function selectedRange(loggerNow) {
  const choice = byId('history-range').value;
  if (choice !== 'day') {
    const to = loggerNow();
    return { from: to - Number(choice) * HOUR_MS, to };
  }
  const input = byId('history-day');
  if (!input.value) input.value = localDay(loggerNow());
  const start = new Date(input.value + 'T00:00:00');
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  return { from: start.getTime(), to: end.getTime() - 1 };
}

/**
 * uPlot columns: time in s, power in W and energy in Wh since the first
 * point. A null row goes where points are missing, so gaps stay gaps.
 */
function toColumns(history) {
  const xs = [];
  const power = [];
  const energy = [];
  let firstTotal = null;
  let previousTs = null;
  for (const point of history.points) {
    if (previousTs !== null && point.ts - previousTs > 1.5 * history.bucketMs) {
      xs.push((previousTs + history.bucketMs) / 1000);
      power.push(null);
      energy.push(null);
    }
    if (firstTotal === null && point.totalWh !== null)
      firstTotal = point.totalWh;
    xs.push(point.ts / 1000);
    power.push(point.powerW);
    energy.push(point.totalWh === null ? null : point.totalWh - firstTotal);
    previousTs = point.ts;
  }
  return [xs, power, energy];
}

/** Returns a range from zero, so a flat line does not look like a swing. */
function fromZero(_u, min, max) {
  const top = max === null || !(max > 0) ? 1 : max * 1.1;
  return [min === null ? 0 : Math.min(0, min), top];
}

function chartOptions(width, range) {
  const show = (unit, digits) => (_u, v) =>
    v === null || v === undefined ? '–' : v.toFixed(digits) + ' ' + unit;
  return {
    width,
    height: CHART_HEIGHT,
    scales: {
      x: { time: true, range: () => [range.from / 1000, range.to / 1000] },
      W: { range: fromZero },
      Wh: { range: fromZero },
    },
    series: [
      {},
      {
        label: 'Power',
        scale: 'W',
        stroke: '#0046a8',
        width: 2,
        value: show('W', 1),
      },
      {
        label: 'Energy in range',
        scale: 'Wh',
        stroke: '#b83d00',
        width: 2,
        value: show('Wh', 2),
      },
    ],
    axes: [
      {},
      { scale: 'W', label: 'W', size: 56 },
      { scale: 'Wh', label: 'Wh', side: 1, size: 56, grid: { show: false } },
    ],
  };
}

function describe(history, fromCache) {
  const count = history.points.length;
  const files = history.files.length ? ' from ' + history.files.join(', ') : '';
  const last = history.points.length
    ? history.points[history.points.length - 1].totalWh
    : null;
  const first = history.points.find((p) => p.totalWh !== null);
  const used =
    first && last !== null
      ? ', ' + formatEnergy(last - first.totalWh) + ' used'
      : '';
  const saved = fromCache ? ' (saved copy: the logger is not reachable)' : '';
  return count + (count === 1 ? ' point' : ' points') + files + used + saved;
}

function renderFiles(files) {
  const byDay = new Map();
  for (const file of files) {
    const day = file.name.slice(0, 10);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(file);
  }
  const items = [];
  for (const [day, dayFiles] of byDay) {
    const item = document.createElement('li');
    item.append(day + ': ');
    dayFiles.forEach((file, i) => {
      if (i > 0) item.append(' · ');
      const link = document.createElement('a');
      link.href = '/api/logs/' + encodeURIComponent(file.name);
      link.download = file.name;
      link.textContent = file.name.slice(11).toUpperCase();
      item.append(link, ' (' + formatBytes(file.bytes) + ')');
    });
    items.push(item);
  }
  if (items.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = 'No log files yet.';
    items.push(empty);
  }
  byId('log-files').replaceChildren(...items);
}

/** Draws `history` into `box`, replacing `plot`; returns the new chart. */
function drawChart(box, plot, history, range) {
  box.dataset.points = String(history.points.length);
  if (plot) plot.destroy();
  if (typeof window.uPlot !== 'function') {
    box.textContent = 'The chart library did not load.';
    return null;
  }
  const options = chartOptions(box.clientWidth || 320, range);
  return new window.uPlot(options, toColumns(history), box);
}

export function createHistory(loggerNow) {
  const box = byId('history-chart');
  let plot = null;
  /** Aborts the history request in flight, whose range is no longer shown. */
  let loading = null;

  async function loadChart() {
    // The logger reads few history requests at once and stops reading
    // when the request is aborted.
    if (loading) loading.abort();
    const controller = new AbortController();
    loading = controller;
    const range = selectedRange(loggerNow);
    const { from, to } = range;
    // One point per CSS pixel of the chart's width: more would not show.
    const maxPoints = Math.max(60, Math.min(1000, box.clientWidth || 300));
    const query = '?from=' + Math.round(from) + '&to=' + Math.round(to);
    setText('history-count', 'Loading…');
    try {
      const result = await getJson(
        '/api/history' + query + '&maxPoints=' + maxPoints,
        controller.signal,
      );
      if (controller.signal.aborted) return;
      plot = drawChart(box, plot, result.data, range);
      setText('history-count', describe(result.data, result.fromCache));
    } catch (err) {
      if (controller.signal.aborted) return;
      setText('history-count', 'Loading the history failed: ' + err.message);
    } finally {
      if (loading === controller) loading = null;
    }
  }

  async function loadFiles() {
    try {
      renderFiles((await getJson('/api/logs')).data.files);
    } catch (err) {
      byId('log-files').textContent =
        'Loading the file list failed: ' + err.message;
    }
  }

  function load() {
    return Promise.all([loadChart(), loadFiles()]);
  }

  byId('history-range').addEventListener('change', () => {
    byId('history-day-label').hidden = byId('history-range').value !== 'day';
    loadChart();
  });
  byId('history-day').addEventListener('change', loadChart);
  byId('history-form').addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  if (typeof ResizeObserver !== 'undefined') {
    new ResizeObserver(() => {
      if (plot && box.clientWidth > 0 && plot.width !== box.clientWidth) {
        plot.setSize({ width: box.clientWidth, height: CHART_HEIGHT });
      }
    }).observe(box);
  }
  return { load };
}
