/**
 * `LedDriver` for one WS2812 NeoPixel through Espruino's `neopixel` module.
 * The pixel takes its bytes in green, red, blue order. Boards that switch
 * the pixel's supply with a pin (the QT Py ESP32-S3 uses D38) pass
 * `powerPin`, which is driven high before the first write.
 */
import type { EspruinoPin, NeopixelModule } from '../espruino';
import type { LedDriver } from '../platform';

export interface NeopixelLedOptions {
  neopixel: NeopixelModule;
  dataPin: EspruinoPin;
  powerPin: EspruinoPin | null;
}

function channel(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}

export function createNeopixelLed(options: NeopixelLedOptions): LedDriver {
  let powered = false;
  return {
    set(rgb) {
      if (!powered && options.powerPin) options.powerPin.set();
      powered = true;
      const grb = [channel(rgb[1]), channel(rgb[0]), channel(rgb[2])];
      options.neopixel.write(options.dataPin, grb);
    },
  };
}
