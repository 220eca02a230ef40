/**
 * Adafruit QT Py ESP32-S3 (4 MB flash / 2 MB PSRAM or 8 MB flash without
 * PSRAM) running the Espruino ESP32-S3 build. Pins are Espruino names:
 * `Dn` is GPIO n.
 *
 * | part | signal | pin | QT Py label |
 * | --- | --- | --- | --- |
 * | NeoPixel (on board) | data | D39 | |
 * | NeoPixel (on board) | power, driven high | D38 | |
 * | SSD1306 on STEMMA QT | SDA | D41 | STEMMA QT |
 * | SSD1306 on STEMMA QT | SCL | D40 | STEMMA QT |
 * | SD card breakout | SCK | D36 | SCK |
 * | SD card breakout | MISO (DO) | D37 | MI |
 * | SD card breakout | MOSI (DI) | D35 | MO |
 * | SD card breakout | CS | D18 | A0 |
 *
 * The SD breakout also takes 3V and GND.
 */
import type { BoardProfile } from './linux';

export const qtpyEsp32s3: BoardProfile = {
  name: 'qtpy-esp32s3',
  wifi: true,
  sd: {
    sck: 'D36',
    miso: 'D37',
    mosi: 'D35',
    cs: 'D18',
    // 4 MHz is the rate Espruino itself uses for boards with an on-board
    // card. NOTE: a card that fails to mount may need a lower rate.
    baud: 4000000,
  },
  // Espruino's FAT layer copies each path into a 64-byte buffer.
  maxPathLength: 63,
  display: { sda: 'D41', scl: 'D40', bitrate: 400000, address: 0x3c },
  led: { data: 'D39', power: 'D38' },
};
