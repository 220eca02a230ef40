/**
 * The text frame of the 128x64 display: 8 lines of at most 21 characters,
 * the size of a 6x8 font. The same lines go to the SSD1306 on the device
 * and to the web page's preview on the host.
 */
import type { Events } from '../bus/events';

export const FRAME_COLS = 21;
export const FRAME_ROWS = 8;

export interface FrameInput {
  reading: Events['shelly.readingReceived'] | null;
  link: Events['shelly.linkChanged']['link'];
  todayWh: number | null;
  ips: string[];
  clock: Events['clock.statusChanged'] | null;
  nowMs: number;
  log: Events['log.statusChanged'] | null;
}

export function formatEnergy(wh: number | null): string {
  if (wh === null) return '--';
  // Decide on the rounded value, so 999.96 Wh shows as 1.000 kWh.
  if (Math.abs(Math.round(wh * 10) / 10) >= 1000) {
    return (wh / 1000).toFixed(3) + ' kWh';
  }
  return wh.toFixed(1) + ' Wh';
}

function fit(line: string): string {
  return line.length > FRAME_COLS ? line.slice(0, FRAME_COLS) : line;
}

function pad(left: string, right: string): string {
  const space = FRAME_COLS - left.length - right.length;
  return fit(left + (space > 0 ? ' '.repeat(space) : ' ') + right);
}

export function renderFrame(f: FrameInput): string[] {
  const r = f.reading;
  const power = r && r.powerW !== null ? r.powerW.toFixed(1) + ' W' : '-- W';
  let relay = '?';
  if (r && r.output !== null) relay = r.output ? 'ON' : 'OFF';
  const time = f.clock
    ? new Date(f.nowMs + f.clock.offsetMs).toISOString()
    : '';
  const log = f.log;
  const sd = log
    ? 'SD ' + log.status + ' q' + log.queueLength + ' d' + log.dropped
    : 'SD --';

  const lines = [
    pad(power, relay),
    fit('Tot ' + formatEnergy(r ? r.totalWh : null)),
    fit('Day ' + formatEnergy(f.todayWh)),
    fit('Plug ' + f.link),
    fit(f.ips[0] || 'no network'),
    fit(f.ips[1] || ''),
    pad(time.slice(11, 19), f.clock ? f.clock.source : 'no clock'),
    fit(sd),
  ];
  return lines.slice(0, FRAME_ROWS);
}
