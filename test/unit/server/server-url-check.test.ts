import { describe, expect, test } from 'vitest';
import { serverUrlProblems } from '../../../src/server/server-url-check.js';

describe('serve checks the server URL every answer file carries', () => {
  test('the same port on every address, or no URL yet: nothing to say', () => {
    expect(serverUrlProblems('http://10.0.0.1:8780', { address: '0.0.0.0', port: 8780 })).toEqual([]);
    expect(serverUrlProblems('http://127.0.0.1:8780', { address: '127.0.0.1', port: 8780 })).toEqual([]);
    expect(serverUrlProblems('https://deploy.example', { address: '0.0.0.0', port: 443 })).toEqual([]);
    expect(serverUrlProblems(undefined, { address: '0.0.0.0', port: 1 })).toEqual([]);
  });

  test('another port, or a loopback listener behind a routable URL, is named with the way out', () => {
    expect(serverUrlProblems('http://10.0.0.1:8780', { address: '0.0.0.0', port: 46517 })).toEqual([
      "the inventory's server.url http://10.0.0.1:8780 names port 8780, but serve listens on 46517: answer files send installing hosts to port 8780; pass --http ADDRESS:8780 or change server.url",
    ]);
    expect(serverUrlProblems('http://deploy.example', { address: '127.0.0.1', port: 80 })).toEqual([
      'serve listens on 127.0.0.1 only, but server.url names deploy.example: installing hosts cannot reach a loopback address; pass --http 0.0.0.0:80',
    ]);
  });
});
