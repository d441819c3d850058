import { networkInterfaces } from 'node:os';

/**
 * When the bridge listens on every interface (0.0.0.0 or ::), the link it would print
 * names an address no phone can open: these are the same link on each LAN address.
 */
export function lanUrls(url: string): string[] {
  const parsed = new URL(url);
  if (parsed.hostname !== '0.0.0.0' && parsed.hostname !== '[::]') return [url];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry && entry.family === 'IPv4' && !entry.internal)
    .map((entry) => entry!.address);
  return addresses.map((address) => {
    const copy = new URL(url);
    copy.hostname = address;
    return copy.toString();
  });
}
