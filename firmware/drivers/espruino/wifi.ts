/**
 * The device Wi-Fi actor's `WifiRadio` over Espruino's `Wifi` module
 * (ESP32 build). Calls that throw become error callbacks, so the actor
 * never gets an exception.
 *
 * - `Wifi.scan` reports each channel as a string; `Wifi.startAP` ignores a
 *   channel that is not a number, so the driver parses it.
 * - `Wifi.getIP().ip` is missing or `0.0.0.0` while the station is down.
 */
import type { WifiRadio } from '../../actors/wifi-device';
import type { WifiIpInfo, WifiModule, WifiScanEntry } from '../espruino';

function messageOf(err: unknown): string {
  if (err && typeof (err as Error).message === 'string') {
    return (err as Error).message;
  }
  return String(err);
}

/** Channel 1..14 from a scan entry, or null. */
export function parseChannel(value: unknown): number | null {
  const channel = parseInt(String(value), 10);
  return channel >= 1 && channel <= 14 ? channel : null;
}

/** Returns the channel of the strongest network named `ssid`, or null. */
export function strongestChannel(
  networks: WifiScanEntry[],
  ssid: string,
): number | null {
  let channel: number | null = null;
  let rssi = -Infinity;
  for (let i = 0; i < networks.length; i++) {
    const entry = networks[i];
    const parsed = parseChannel(entry.channel);
    if (entry.ssid !== ssid || parsed === null || entry.rssi <= rssi) continue;
    channel = parsed;
    rssi = entry.rssi;
  }
  return channel;
}

function addressOf(read: () => WifiIpInfo): string | null {
  try {
    const ip = read().ip;
    return ip && ip !== '0.0.0.0' ? ip : null;
  } catch {
    return null;
  }
}

export function createEspruinoWifiRadio(wifi: WifiModule): WifiRadio {
  const stationIp = () => addressOf(() => wifi.getIP());
  const apIp = () => addressOf(() => wifi.getAPIP());

  return {
    findChannel(ssid, done) {
      try {
        wifi.scan((networks) =>
          done(strongestChannel(networks || [], ssid), null),
        );
      } catch (err) {
        done(null, messageOf(err));
      }
    },
    startAp(ssid, password, channel, done) {
      const options: { password: string; authMode: string; channel?: number } =
        { password, authMode: 'wpa2' };
      if (channel !== null) options.channel = channel;
      try {
        wifi.startAP(ssid, options, (error) => done(error || null));
      } catch (err) {
        done(messageOf(err));
      }
    },
    connect(ssid, password, done) {
      const options = password === null ? {} : { password };
      try {
        wifi.connect(ssid, options, (error) => done(error || null));
      } catch (err) {
        done(messageOf(err));
      }
    },
    onDisconnected(listener) {
      const handler = (details: { reason?: string; msg?: string }) => {
        const info = details || {};
        listener(info.msg || info.reason || 'disconnected');
      };
      wifi.on('disconnected', handler);
      return () => wifi.removeListener('disconnected', handler);
    },
    stationIp,
    addresses() {
      const ips: string[] = [];
      const station = stationIp();
      const ap = apIp();
      if (station) ips.push(station);
      if (ap) ips.push(ap);
      return ips;
    },
  };
}
