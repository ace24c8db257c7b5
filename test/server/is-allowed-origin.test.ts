import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowedOrigin, isLoopbackHost } from '../../src/server/is-allowed-origin.ts';

describe('isAllowedOrigin', () => {
  it('lets non-browser clients (no Origin) through', () => {
    assert.equal(isAllowedOrigin(undefined, '127.0.0.1:8080', [], true), true);
  });

  it('allows the page own origin and refuses others', () => {
    assert.equal(isAllowedOrigin('http://127.0.0.1:8080', '127.0.0.1:8080', [], true), true);
    assert.equal(isAllowedOrigin('http://localhost:8080', 'localhost:8080', [], true), true);
    assert.equal(isAllowedOrigin('http://127.0.0.1:9999', '127.0.0.1:8080', [], true), false);
    assert.equal(isAllowedOrigin('https://evil.example', '127.0.0.1:8080', [], true), false);
    assert.equal(isAllowedOrigin('null', '127.0.0.1:8080', [], true), false);
    assert.equal(isAllowedOrigin('http://127.0.0.1:8080', undefined, [], true), false);
  });

  it('allows listed origins', () => {
    assert.equal(isAllowedOrigin('http://localhost:5173', '127.0.0.1:8080', ['http://localhost:5173'], true), true);
  });

  it('refuses a same-origin page on a non-loopback name when listening on loopback (DNS rebinding)', () => {
    assert.equal(isAllowedOrigin('http://evil.example:8080', 'evil.example:8080', [], true), false);
    assert.equal(isAllowedOrigin('http://box.lan:8080', 'box.lan:8080', [], false), true);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback names with and without port', () => {
    for (const h of ['localhost', 'localhost:80', '127.0.0.1', '127.1.2.3:8080', '[::1]:8080', '::1']) {
      assert.equal(isLoopbackHost(h), true, h);
    }
    for (const h of ['0.0.0.0', 'example.com', '10.0.0.1:8080', '127.0.0.1.evil.com']) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
});
