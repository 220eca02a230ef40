/**
 * A fake of Espruino's `Wifi` module on the ESP32 build
 * (libs/network/esp32/jswrap_esp32_network.c, 2v29).
 *
 * - Scan results carry channels as strings.
 * - `startAP` throws for passwords under 8 characters.
 * - `connect` calls back with null or a reason.
 * - A dropped station emits `disconnected` with `{ssid, mac, reason, msg}`
 *   once Espruino's own retries are spent.
 */
import type {
  WifiCallback,
  WifiIpInfo,
  WifiModule,
  WifiScanEntry,
} from '../../../firmware/drivers/espruino';
import { FakeEmitter } from './events';

/** What `connect` does with its callback. */
export type JoinBehaviour = 'ok' | 'fail' | 'silent';

export class FakeWifi extends FakeEmitter implements WifiModule {
  networks: WifiScanEntry[] = [];
  /** Whether `scan` calls back; false leaves the scan hanging. */
  scanAnswers = true;
  join: JoinBehaviour = 'ok';
  /** Whether `startAP` calls back with success. */
  apAnswers = true;
  stationAddress = '0.0.0.0';
  apAddress = '0.0.0.0';
  scans = 0;
  startApCalls: { ssid: string; options: Record<string, unknown> }[] = [];
  connectCalls: { ssid: string; options: Record<string, unknown> }[] = [];
  private joinCallback: WifiCallback | null = null;

  scan(callback: (networks: WifiScanEntry[]) => void): void {
    this.scans++;
    if (this.scanAnswers) callback(this.networks.slice());
  }

  startAP(
    ssid: string,
    options: { password: string; authMode: string; channel?: number },
    callback: WifiCallback,
  ): void {
    if (options.password.length < 8) {
      throw new Error('Password must be string of at least 8 characters');
    }
    this.startApCalls.push({ ssid, options: Object.assign({}, options) });
    if (!this.apAnswers) return;
    this.apAddress = '192.168.4.1';
    callback(null);
  }

  connect(
    ssid: string,
    options: { password?: string },
    callback: WifiCallback,
  ): void {
    this.connectCalls.push({ ssid, options: Object.assign({}, options) });
    this.joinCallback = callback;
    if (this.join === 'ok') this.completeJoin('192.168.33.2');
    else if (this.join === 'fail') callback('NO_AP_FOUND');
  }

  /** Finishes a pending `connect` with an address. */
  completeJoin(ip: string): void {
    this.stationAddress = ip;
    const callback = this.joinCallback;
    this.joinCallback = null;
    if (callback) callback(null);
  }

  /** Drops the station, as after Espruino's own retries failed. */
  drop(reason: string): void {
    this.stationAddress = '0.0.0.0';
    this.emit('disconnected', {
      ssid: 'plug',
      mac: '00:00:00:00:00:00',
      reason: '201',
      msg: reason,
    });
  }

  getIP(): WifiIpInfo {
    return {
      ip: this.stationAddress,
      netmask: '255.255.255.0',
      gw: '0.0.0.0',
      mac: 'aa',
    };
  }

  getAPIP(): WifiIpInfo {
    return {
      ip: this.apAddress,
      netmask: '255.255.255.0',
      gw: this.apAddress,
      mac: 'bb',
    };
  }
}
