// Preview of the logger's 128x64 display: 8 lines of 21 characters in
// 6x8 cells. The canvas gets a whole number of device pixels per display
// pixel, so every pixel stays crisp at any size.
import { glyphRows, GLYPH_HEIGHT, GLYPH_WIDTH } from './font.js';

const WIDTH = 128;
const HEIGHT = 64;
const COLUMNS = 21;
const ROWS = 8;
const CELL_WIDTH = 6;
const CELL_HEIGHT = 8;
const INK = '#9fd8ff';
const PAPER = '#000';

let lastLines = null;

/** Device pixels per display pixel that fit the canvas's box. */
function scaleFor(box) {
  const ratio = window.devicePixelRatio || 1;
  const available = Math.max(WIDTH, box.clientWidth * ratio);
  return Math.max(1, Math.floor(available / WIDTH));
}

function drawLine(ctx, text, row, scale) {
  for (let col = 0; col < Math.min(text.length, COLUMNS); col++) {
    const rows = glyphRows(text.charAt(col));
    for (let y = 0; y < GLYPH_HEIGHT; y++) {
      for (let x = 0; x < GLYPH_WIDTH; x++) {
        if (!(rows[y] & (1 << (GLYPH_WIDTH - 1 - x)))) continue;
        const px = col * CELL_WIDTH + x;
        const py = row * CELL_HEIGHT + y;
        ctx.fillRect(px * scale, py * scale, scale, scale);
      }
    }
  }
}

/** Draws `lines` on the canvas, or redraws the last ones when null. */
export function drawFrame(canvas, lines) {
  if (lines) lastLines = lines;
  const shown = lastLines || [];
  const scale = scaleFor(canvas.parentElement);
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== WIDTH * scale) {
    canvas.width = WIDTH * scale;
    canvas.height = HEIGHT * scale;
    canvas.style.width = (WIDTH * scale) / ratio + 'px';
    canvas.style.height = (HEIGHT * scale) / ratio + 'px';
  }
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = INK;
  shown.slice(0, ROWS).forEach((text, row) => drawLine(ctx, text, row, scale));
  const label = shown.map((text) => text.trim()).filter(Boolean);
  canvas.setAttribute(
    'aria-label',
    'Logger display: ' + (label.length ? label.join(', ') : 'no frame yet'),
  );
}

/** Redraws at the new size when the canvas's box changes width. */
export function watchDisplaySize(canvas) {
  if (typeof ResizeObserver === 'undefined') return;
  new ResizeObserver(() => drawFrame(canvas, null)).observe(
    canvas.parentElement,
  );
}
