/**
 * Fakes of Espruino's I2C bus, `Graphics.createArrayBuffer` buffer,
 * `neopixel` and `crypto` modules, and its Wifi module's scan results.
 */
import { createHash } from 'node:crypto';
import type {
  CryptoModule,
  EspruinoPin,
  GraphicsBuffer,
  I2cBus,
  NeopixelModule,
} from '../../../firmware/drivers/espruino';

/**
 * Columns of glyphs of Espruino's 6x8 font, bit 0 at the top, read from
 * `Graphics.createArrayBuffer(128, 64, 1, {vertical_byte: true, msb:
 * false})` after `setFont('6x8')` and `drawString` in the interpreter
 * built for Linux (2v29.277).
 */
export const FONT_6X8: Record<string, number[]> = {
  A: [96, 24, 22, 24, 96, 0],
  H: [126, 8, 8, 8, 126, 0],
  i: [0, 68, 125, 64, 0, 0],
  ' ': [0, 0, 0, 0, 0, 0],
};

/**
 * A 128x64 one-bit buffer with vertical bytes: byte `x + 128 * (y >> 3)`,
 * bit `y & 7`. `drawString` uses `FONT_6X8` and throws for other glyphs.
 */
export class FakeGraphics implements GraphicsBuffer {
  buffer = new ArrayBuffer(1024);
  font = '';
  drawn: { text: string; x: number; y: number }[] = [];
  private bytes = new Uint8Array(this.buffer);

  clear(): void {
    this.bytes.fill(0);
  }

  setFont(name: string): void {
    this.font = name;
  }

  drawString(text: string, x: number, y: number): void {
    this.drawn.push({ text, x, y });
    for (let i = 0; i < text.length; i++) {
      const glyph = FONT_6X8[text.charAt(i)];
      if (!glyph) throw new Error('no fake glyph for ' + text.charAt(i));
      for (let col = 0; col < 6; col++) {
        for (let bit = 0; bit < 8; bit++) {
          if (glyph[col] & (1 << bit)) this.setPixel(x + i * 6 + col, y + bit);
        }
      }
    }
  }

  private setPixel(x: number, y: number): void {
    if (x < 0 || x >= 128 || y < 0 || y >= 64) return;
    this.bytes[x + 128 * (y >> 3)] |= 1 << (y & 7);
  }
}

export class FakeI2c implements I2cBus {
  writes: { address: number; bytes: number[] }[] = [];
  setups: unknown[] = [];
  /** Error thrown by the next `writeTo`, like a missing display's NACK. */
  failNext: Error | null = null;

  setup(options: unknown): void {
    this.setups.push(options);
  }

  writeTo(address: number, data: Uint8Array | number[]): void {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    this.writes.push({ address, bytes: Array.from(data) });
  }
}

export class FakeNeopixel implements NeopixelModule {
  writes: { pin: EspruinoPin; data: number[] }[] = [];

  write(pin: EspruinoPin, data: number[]): void {
    this.writes.push({ pin, data: data.slice() });
  }
}

export class FakePin implements EspruinoPin {
  level: boolean | null = null;
  constructor(public name: string) {}
  set(): void {
    this.level = true;
  }
  reset(): void {
    this.level = false;
  }
}

/** `crypto.SHA256` over the string's bytes, one byte per character. */
export const fakeCrypto: CryptoModule = {
  SHA256(message) {
    const digest = createHash('sha256')
      .update(Buffer.from(message, 'latin1'))
      .digest();
    return digest.buffer.slice(
      digest.byteOffset,
      digest.byteOffset + digest.length,
    );
  },
};
