/**
 * Board profiles: which hardware the Espruino entry sets up, with pins as
 * Espruino pin names. This file also contains the profile of the interpreter
 * built for Linux, which has `http` and `fs` but no Wi-Fi, SPI or I2C. There
 * the SD card is a folder, and the display and LED only reach the web page
 * through the bus.
 */

/** SPI wiring of an SD card. */
export interface SdWiring {
  sck: string;
  miso: string;
  mosi: string;
  cs: string;
  /** SPI clock in Hz. */
  baud: number;
}

/** An SSD1306 on I2C. */
export interface DisplayWiring {
  sda: string;
  scl: string;
  /** I2C clock in Hz. */
  bitrate: number;
  /** 7-bit I2C address. */
  address: number;
}

export interface BoardProfile {
  name: string;
  /** True when the board has Espruino's `Wifi` module. */
  wifi: boolean;
  /** SD card over SPI, or null to use the `sdRoot` folder as the card. */
  sd: SdWiring | null;
  /** Maximum full path length the file layer accepts. */
  maxPathLength: number;
  display: DisplayWiring | null;
  led: { data: string; power: string | null } | null;
}

export const linuxBoard: BoardProfile = {
  name: 'linux',
  wifi: false,
  sd: null,
  // Espruino's Linux build copies each path into a 256-byte buffer.
  maxPathLength: 255,
  display: null,
  led: null,
};

/** Picks the profile for `process.env.BOARD` of the running interpreter. */
export function boardFor(
  envBoard: string | undefined,
  device: BoardProfile,
): BoardProfile {
  return envBoard === 'LINUX' ? linuxBoard : device;
}
