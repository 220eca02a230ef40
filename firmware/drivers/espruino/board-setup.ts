/**
 * Sets up the hardware a board profile describes, on the Espruino globals
 * (`E`, `Graphics`, `Pin`, `SPI1`, `I2C1`) and modules (`fs`, `neopixel`,
 * `Wifi`): the SD card or its stand-in folder, the SSD1306 display, the
 * NeoPixel and the Wi-Fi radio. Parts the board lacks get stand-ins.
 */
import type { WifiRadio } from '../../actors/wifi-device';
import type { BoardProfile } from '../../boards/linux';
import type { Logger } from '../../lib/logger';
import type {
  EspruinoE,
  EspruinoPin,
  GraphicsBuffer,
  I2cBus,
  SpiBus,
} from '../espruino';
import type { DisplayDriver, LedDriver } from '../platform';
import { createSsd1306Display } from './display';
import { createNeopixelLed } from './led';
import { createNullDisplay, createNullLed } from './platform';
import { createSdFileStore, type SdFileStore } from './storage';
import { createEspruinoWifiRadio } from './wifi';

declare const E: EspruinoE;
declare const Graphics: {
  createArrayBuffer(
    width: number,
    height: number,
    bpp: number,
    options: { vertical_byte: boolean; msb: boolean },
  ): GraphicsBuffer;
};
declare const Pin: new (name: string) => EspruinoPin;
declare const SPI1: SpiBus;
declare const I2C1: I2cBus;

export interface Hardware {
  store: SdFileStore;
  display: DisplayDriver;
  led: LedDriver;
  radio: WifiRadio | null;
}

function createStore(board: BoardProfile, sdRoot: string): SdFileStore {
  const sd = board.sd;
  const connect = sd
    ? () => {
        SPI1.setup({
          sck: new Pin(sd.sck),
          miso: new Pin(sd.miso),
          mosi: new Pin(sd.mosi),
          baud: sd.baud,
        });
        E.connectSDCard(SPI1, new Pin(sd.cs));
      }
    : () => undefined;
  return createSdFileStore({
    E,
    fs: require('fs'),
    connect,
    root: sd ? '' : sdRoot,
    maxPathLength: board.maxPathLength,
  });
}

function createDisplay(board: BoardProfile, log: Logger): DisplayDriver {
  const wiring = board.display;
  if (!wiring) return createNullDisplay();
  try {
    I2C1.setup({
      sda: new Pin(wiring.sda),
      scl: new Pin(wiring.scl),
      bitrate: wiring.bitrate,
    });
  } catch (err) {
    log.error('display I2C setup failed', { error: err });
    return createNullDisplay();
  }
  return createSsd1306Display({
    i2c: I2C1,
    address: wiring.address,
    createGraphics: () =>
      Graphics.createArrayBuffer(128, 64, 1, {
        vertical_byte: true,
        msb: false,
      }),
  });
}

/**
 * Creates the drivers for `board`. Without an SD card, the `sdRoot` folder
 * is used as the card.
 */
export function createHardware(
  board: BoardProfile,
  sdRoot: string,
  log: Logger,
): Hardware {
  const led = board.led;
  return {
    store: createStore(board, sdRoot),
    display: createDisplay(board, log),
    led: led
      ? createNeopixelLed({
          neopixel: require('neopixel'),
          dataPin: new Pin(led.data),
          powerPin: led.power ? new Pin(led.power) : null,
        })
      : createNullLed(),
    radio: board.wifi ? createEspruinoWifiRadio(require('Wifi')) : null,
  };
}
