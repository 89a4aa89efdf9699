import { isWildcardAddress, type ListenAddress } from './listen-address.js';

const isLoopback = (host: string): boolean => host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1';

/**
 * Pure: why installing hosts would not reach serve at the inventory's `server.url` (every answer file
 * carries it), or nothing. Catches the port serve did not take and a loopback-only listener.
 */
export const serverUrlProblems = (serverUrl: string | undefined, http: ListenAddress): string[] => {
  if (serverUrl === undefined || !URL.canParse(serverUrl)) return [];
  const url = new URL(serverUrl);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const problems: string[] = [];
  if (port !== http.port) {
    problems.push(`the inventory's server.url ${serverUrl} names port ${port}, but serve listens on ${http.port}: answer files send installing hosts to port ${port}; pass --http ADDRESS:${port} or change server.url`);
  }
  if (!isWildcardAddress(http.address) && isLoopback(http.address) && !isLoopback(url.hostname)) {
    problems.push(`serve listens on ${http.address} only, but server.url names ${url.hostname}: installing hosts cannot reach a loopback address; pass --http 0.0.0.0:${port}`);
  }
  return problems;
};
