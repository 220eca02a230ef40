/**
 * `DisplayDriver` for a 128x64 SSD1306 OLED over I2C, drawn with Espruino's
 * built-in 6x8 font: 8 lines of 21 characters.
 *
 * The frame is drawn into a `Graphics.createArrayBuffer(128, 64, 1,
 * {vertical_byte: true, msb: false})` buffer, whose byte `x + 128 * page`
 * contains pixels (x, 8 * page .. 8 * page + 7) with the top pixel in bit 0:
 * the SSD1306's own memory layout in horizontal addressing mode. A flip
 * sends 1 KB and blocks the interpreter for about 25 ms at 400 kHz, so the
 * driver sends a frame only when a line changed.
 *
 * The controller is set up on the first `show`, and again after an I2C
 * error, which is thrown to the caller.
 */
import type { GraphicsBuffer, I2cBus } from '../espruino';
import type { DisplayDriver } from '../platform';

export interface Ssd1306Options {
  i2c: I2cBus;
  /** 7-bit I2C address: 0x3C on most modules, 0x3D with the jumper set. */
  address: number;
  /** Creates the 128x64 vertical-byte buffer; injected for tests. */
  createGraphics: () => GraphicsBuffer;
}

export const WIDTH = 128;
export const HEIGHT = 64;
export const LINES = 8;
export const COLUMNS = 21;

/** Control byte: the rest of the transfer is commands. */
const COMMANDS = 0x00;
/** Control byte: the rest of the transfer is display data. */
const DATA = 0x40;

/**
 * Power-on setup for a 128x64 panel with the internal charge pump, one
 * command with its arguments per row (SSD1306 datasheet, command table).
 */
// prettier-ignore
export const INIT_COMMANDS: number[] = [
  0xae, // display off
  0xd5, 0x80, // clock divide ratio 1, oscillator frequency 8
  0xa8, 0x3f, // multiplex ratio: 64 rows
  0xd3, 0x00, // no display offset
  0x40, // start line 0
  0x8d, 0x14, // charge pump on
  0x20, 0x00, // horizontal addressing mode
  0xa1, // column 127 mapped to SEG0, so x grows to the right
  0xc8, // COM scan from COM63 down, so y grows downwards
  0xda, 0x12, // COM pins: alternative configuration
  0x81, 0xcf, // contrast
  0xd9, 0xf1, // pre-charge period
  0xdb, 0x40, // VCOMH deselect level
  0xa4, // show the RAM contents
  0xa6, // not inverted
  0xaf, // display on
];

/** Sets the RAM window to the whole panel before a frame. */
// prettier-ignore
export const WINDOW_COMMANDS: number[] = [
  0x21, 0x00, WIDTH - 1, // columns 0..127
  0x22, 0x00, HEIGHT / 8 - 1, // pages 0..7
];

/**
 * Sends the commands in one transfer behind the command control byte. The
 * lists are flat, because on Espruino nested arrays per command cost 36
 * variables more for the two lists (measured after boot).
 */
function sendCommands(options: Ssd1306Options, commands: number[]): void {
  options.i2c.writeTo(options.address, [COMMANDS].concat(commands));
}

export function createSsd1306Display(options: Ssd1306Options): DisplayDriver {
  const graphics = options.createGraphics();
  graphics.setFont('6x8');
  const pixels = new Uint8Array(graphics.buffer);
  // One page of data behind its control byte, reused for every page.
  const packet = new Uint8Array(WIDTH + 1);
  let ready = false;
  let shownKey: string | null = null;

  function flip(): void {
    sendCommands(options, WINDOW_COMMANDS);
    packet[0] = DATA;
    for (let page = 0; page < HEIGHT / 8; page++) {
      packet.set(pixels.subarray(page * WIDTH, (page + 1) * WIDTH), 1);
      options.i2c.writeTo(options.address, packet);
    }
  }

  return {
    show(lines) {
      const text: string[] = [];
      for (let i = 0; i < LINES; i++) {
        text.push((lines[i] || '').slice(0, COLUMNS));
      }
      const key = text.join('\n');
      if (ready && key === shownKey) return;

      graphics.clear();
      for (let i = 0; i < LINES; i++) {
        graphics.drawString(text[i], 0, i * 8);
      }
      try {
        if (!ready) sendCommands(options, INIT_COMMANDS);
        ready = true;
        flip();
      } catch (err) {
        ready = false;
        throw err;
      }
      shownKey = key;
    },
  };
}
