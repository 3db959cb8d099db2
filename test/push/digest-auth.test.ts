// Digest authentication: the worked examples of RFC 7616 §3.9.1 and RFC 2617 §3.5, challenge parsing, algorithm choice, and the header's escaping.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DigestSession, chooseDigest, parseChallenges, type Challenge } from '../../src/push/digest-auth.ts';

function field(header: string, name: string): string | undefined {
  const parsed = parseChallenges(header.replace(/^Digest /, 'Digest '))[0];
  return parsed?.params.get(name);
}

describe('parseChallenges', () => {
  it('reads several challenges in one header, with commas and escaped quotes inside quoted strings', () => {
    const c = parseChallenges(
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
        'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Digest realm="a \\"quoted\\", realm", qop="auth", algorithm=MD5, ' +
        'nonce=abc/def==, Basic realm="simple", Negotiate a87421000492aa874209af8bc028==',
    );
    expect(c.map((x) => x.scheme)).toEqual(['Digest', 'Digest', 'Basic', 'Negotiate']);
    expect(c[0]?.params.get('qop')).toBe('auth, auth-int');
    expect(c[0]?.params.get('algorithm')).toBe('SHA-256');
    expect(c[1]?.params.get('realm')).toBe('a "quoted", realm');
    expect(c[1]?.params.get('nonce')).toBe('abc/def==');
    expect(c[2]?.params.get('realm')).toBe('simple');
    expect(c[3]?.params.get('token68')).toBe('a87421000492aa874209af8bc028==');
  });

  it("reads Virtuoso's challenge", () => {
    const [c] = parseChallenges(
      'Digest realm="SPARQL", domain="/sparql-graph-crud-auth", nonce="1b655960c20a645ad58bb449c59bea1c", opaque="5ebe2294ecd0e0f08eab7690d2a6ee69", stale="false", qop="auth", algorithm="MD5"',
    );
    expect(c?.params.get('realm')).toBe('SPARQL');
    expect(c?.params.get('stale')).toBe('false');
    expect(c?.params.get('algorithm')).toBe('MD5');
  });

  it('prefers the strongest algorithm offered and ignores unknown ones', () => {
    const offered = parseChallenges(
      'Digest realm="r", nonce="1", algorithm=MD5, Digest realm="r", nonce="2", algorithm=SHA-256, Digest realm="r", nonce="3", algorithm=UNKNOWN-HASH',
    );
    expect(chooseDigest(offered)?.params.get('nonce')).toBe('2');
    expect(chooseDigest(parseChallenges('Basic realm="x"'))).toBeUndefined();
  });
});

describe('DigestSession', () => {
  const rfc7616 = (algorithm: string): Challenge =>
    parseChallenges(
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
    )[0]!;
  const cnonce = () => 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';

  it('gives the response of RFC 7616 §3.9.1 with MD5', () => {
    const h = new DigestSession(rfc7616('MD5'), 'Mufasa', 'Circle of Life', cnonce).authorization({
      method: 'GET',
      uri: '/dir/index.html',
    });
    expect(field(h, 'response')).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(field(h, 'nc')).toBe('00000001');
    expect(field(h, 'qop')).toBe('auth');
    expect(field(h, 'opaque')).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
    expect(field(h, 'username')).toBe('Mufasa');
  });

  it('gives the response of RFC 7616 §3.9.1 with SHA-256', () => {
    const h = new DigestSession(rfc7616('SHA-256'), 'Mufasa', 'Circle of Life', cnonce).authorization({
      method: 'GET',
      uri: '/dir/index.html',
    });
    expect(field(h, 'response')).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    expect(field(h, 'algorithm')).toBe('SHA-256');
  });

  it('gives the response of RFC 2617 §3.5 (MD5, qop=auth)', () => {
    const [c] = parseChallenges(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const h = new DigestSession(c!, 'Mufasa', 'Circle Of Life', () => '0a4f113b').authorization({
      method: 'GET',
      uri: '/dir/index.html',
    });
    expect(field(h, 'response')).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('counts requests on one nonce and uses a fresh cnonce each time', () => {
    const s = new DigestSession(rfc7616('MD5'), 'Mufasa', 'Circle of Life');
    const a = s.authorization({ method: 'PUT', uri: '/g?graph=x' });
    const b = s.authorization({ method: 'PUT', uri: '/g?graph=x' });
    expect([field(a, 'nc'), field(b, 'nc')]).toEqual(['00000001', '00000002']);
    expect(field(a, 'cnonce')).not.toBe(field(b, 'cnonce'));
    expect(field(a, 'uri')).toBe('/g?graph=x');
  });

  it('hashes the body for qop=auth-int, and the session key once for -sess', () => {
    const [c] = parseChallenges('Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-256-sess');
    const md = (s: string) => createHash('sha256').update(s).digest('hex');
    const h = new DigestSession(c!, 'u', 'p', () => 'c').authorization({ method: 'PUT', uri: '/x', body: 'data' });
    const ha1 = md(`${md('u:r:p')}:n:c`);
    const ha2 = md(`PUT:/x:${md('data')}`);
    expect(field(h, 'response')).toBe(md(`${ha1}:n:00000001:c:auth-int:${ha2}`));
    expect(field(h, 'algorithm')).toBe('SHA-256-sess');
  });

  it('escapes quotes in the user name, sends a non-ASCII name as username*, and hashes it when the server asks for userhash', () => {
    const [c] = parseChallenges('Digest realm="r", nonce="n", qop=auth');
    const quoted = new DigestSession(c!, 'a"b\\c', 'p').authorization({ method: 'GET', uri: '/' });
    expect(quoted).toContain('username="a\\"b\\\\c"');
    expect(field(quoted, 'username')).toBe('a"b\\c');
    const utf8 = new DigestSession(c!, 'Jäsøn Doe', 'p').authorization({ method: 'GET', uri: '/' });
    expect(utf8).toContain("username*=UTF-8''J%C3%A4s%C3%B8n%20Doe");
    const [hashed] = parseChallenges(
      'Digest realm="api@example.org", nonce="n", qop=auth, algorithm=SHA-512-256, userhash=true',
    );
    const uh = new DigestSession(hashed!, 'Jäsøn Doe', 'p').authorization({ method: 'GET', uri: '/' });
    expect(field(uh, 'username')).toBe(createHash('sha512-256').update('Jäsøn Doe:api@example.org').digest('hex'));
    expect(field(uh, 'userhash')).toBe('true');
  });

  it('never puts the password in the header', () => {
    const h = new DigestSession(rfc7616('SHA-256'), 'Mufasa', 'Circle of Life').authorization({
      method: 'GET',
      uri: '/',
    });
    expect(h).not.toContain('Circle');
  });
});
