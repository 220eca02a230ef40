/**
 * Types for the few Espruino APIs the device drivers use, checked against
 * the interpreter's source (2v29). `@types/espruino` describes 1v94.
 *
 * Only types live here. Drivers receive the modules as arguments, so tests
 * pass fakes and Node code needs no Espruino globals.
 */

/** A pin such as `D39`; `new Pin('D39')` creates one from its name. */
export interface EspruinoPin {
  set(): void;
  reset(): void;
}

/** Event arguments differ per event, so listeners take any arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

export interface EventSource {
  on(event: string, listener: Listener): void;
  removeListener(event: string, listener: Listener): void;
}

/** Options of `http.request`; `host` is resolved by a blocking lookup. */
export interface HttpRequestOptions {
  host: string;
  port: number;
  path: string;
  method: string;
  headers: Record<string, string>;
}

/** `httpCRq`: connects on `end()`, which can throw "Unable to create socket". */
export interface HttpClientRequest extends EventSource {
  write(data: string): boolean;
  end(data?: string): void;
  /** Internal flag: the socket closes on the next idle pass when true. */
  clsNow?: boolean;
}

/** `httpCRs`: emits `data` (string), `error`, `end` and `close`. */
export interface HttpClientResponse extends EventSource {
  /** The status code as a string, e.g. "200". */
  statusCode: string;
  headers: Record<string, string>;
}

/** `httpSRq`: header names keep the client's spelling. */
export interface HttpServerRequest extends EventSource {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Internal flag: the connection closes on the next idle pass when true. */
  clsNow?: boolean;
}

/**
 * `httpSRs`: `write` always returns false and throws "This socket is
 * closed" after the connection closed; `drain` fires when the send buffer
 * is empty. The status text is always "OK" and only `Connection: close` is
 * added to the headers.
 */
export interface HttpServerResponse extends EventSource {
  writeHead(status: number, headers: Record<string, string>): void;
  write(data: string): boolean;
  end(data?: string): void;
}

export interface HttpServer {
  listen(port: number): HttpServer;
  close(): void;
}

export interface HttpModule {
  request(
    options: HttpRequestOptions,
    callback: (res: HttpClientResponse) => void,
  ): HttpClientRequest;
  createServer(
    callback: (req: HttpServerRequest, res: HttpServerResponse) => void,
  ): HttpServer;
}

/** One entry of `Wifi.scan`; the ESP32 build reports `channel` as a string. */
export interface WifiScanEntry {
  ssid: string;
  channel: string;
  rssi: number;
  authMode: string;
  mac: string;
}

export interface WifiIpInfo {
  ip?: string;
  netmask?: string;
  gw?: string;
  mac: string;
}

/** Completion callbacks get null on success, else a reason string. */
export type WifiCallback = (error: string | null) => void;

export interface WifiModule extends EventSource {
  scan(callback: (networks: WifiScanEntry[]) => void): void;
  /** `channel` must be a number 1..13; a string is ignored. */
  startAP(
    ssid: string,
    options: { password: string; authMode: string; channel?: number },
    callback: WifiCallback,
  ): void;
  connect(
    ssid: string,
    options: { password?: string },
    callback: WifiCallback,
  ): void;
  getIP(): WifiIpInfo;
  getAPIP(): WifiIpInfo;
}

export interface EspruinoFile {
  /**
   * Up to `length` bytes as a string; at the end of the file undefined on
   * the device and null in the Linux build.
   */
  read(length: number): string | null | undefined;
  seek(position: number): void;
  write(data: string): number;
  close(): void;
}

export interface FileStat {
  size: number;
  dir: boolean;
}

/** `require('fs')`; failures throw Errors such as "Could not open file". */
export interface FsModule {
  readdirSync(path: string): string[] | undefined;
  appendFileSync(path: string, data: string): boolean;
  writeFileSync(path: string, data: string): boolean;
  readFileSync(path: string): string | undefined;
  /** Undefined when the path does not exist. */
  statSync(path: string): FileStat | undefined;
  mkdirSync(path: string): boolean;
  unlinkSync(path: string): boolean;
}

export interface SpiBus {
  setup(options: {
    sck: EspruinoPin;
    miso: EspruinoPin;
    mosi: EspruinoPin;
    baud: number;
  }): void;
}

export interface I2cBus {
  setup(options: { sda: EspruinoPin; scl: EspruinoPin; bitrate: number }): void;
  writeTo(address: number, data: Uint8Array | number[]): void;
}

/** The part of the `E` object the drivers use. */
export interface EspruinoE {
  connectSDCard(spi: SpiBus, csPin: EspruinoPin): void;
  openFile(path: string, mode: 'r' | 'w' | 'a'): EspruinoFile;
}

/** A `Graphics.createArrayBuffer` instance. */
export interface GraphicsBuffer {
  buffer: ArrayBuffer;
  clear(): void;
  setFont(name: string): void;
  drawString(text: string, x: number, y: number): void;
}

export interface NeopixelModule {
  write(pin: EspruinoPin, data: number[]): void;
}

export interface CryptoModule {
  /** The 32-byte digest of the string's bytes. */
  SHA256(message: string): ArrayBuffer;
}

export interface StorageModule {
  readJSON(name: string, noExceptions: boolean): unknown;
}

export interface TelnetModule {
  setOptions(options: { mode: 'on' | 'off' }): void;
}
