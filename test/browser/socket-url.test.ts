import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { socketUrl } from '../../src/browser/socket-url.ts';

describe('socketUrl', () => {
  it('dials the host and port that served the page, at /ws', () => {
    assert.equal(socketUrl(new URL('http://127.0.0.1:8080/')), 'ws://127.0.0.1:8080/ws');
  });

  it('uses wss for an https page', () => {
    assert.equal(socketUrl(new URL('https://demo.example/index.html')), 'wss://demo.example/ws');
  });

  it("passes the page's token on, escaped, and nothing else from its query", () => {
    assert.equal(socketUrl(new URL('http://h:1/?x=1&token=a b&y=2')), 'ws://h:1/ws?token=a%20b');
  });

  it('takes another path', () => {
    assert.equal(socketUrl(new URL('http://h:1/'), '/socket'), 'ws://h:1/socket');
  });
});
