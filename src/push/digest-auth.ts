// HTTP Digest authentication for the client side (RFC 7616): parses challenges and answers them with MD5, SHA-256 or SHA-512/256.
import { InternalError } from '../errors.ts';
import { createHash, randomBytes } from 'node:crypto';

/*
 * Why not a package: the npm clients looked at (digest-fetch 3.1, digest-header 1.1) hash with whatever
 * algorithm they were told up front instead of the one the server asks for, split challenges on commas
 * (a realm or nonce holding a comma breaks them) and put the user name in the header unescaped. This is
 * the small part of RFC 7616 a client needs, with the RFC's own examples as tests.
 */

/** One challenge from a WWW-Authenticate header: its scheme and parameters (names lower-cased). */
export interface Challenge {
  scheme: string;
  params: Map<string, string>;
}

/**
 * Parses a WWW-Authenticate value (several headers joined with commas, as fetch gives them) into
 * challenges, per the grammar of RFC 9110 §11: `scheme [ token68 | #auth-param ]`, where an auth-param's
 * value is a token or a quoted-string with backslash escapes. Commas separate both parameters and
 * challenges; a new challenge starts where a bare token is followed by a space rather than `=`.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const quoted = (): string => {
    // At the opening quote.
    i++;
    let value = '';
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      value += header[i];
      i++;
    }
    i++; // the closing quote (or the end)
    return value;
  };
  const bare = (): string => {
    const m = header.slice(i).match(/^[^,\s]*/)?.[0] ?? '';
    i += m.length;
    return m;
  };
  let current: Challenge | undefined;
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const start = i;
    const name = token();
    if (name === '') {
      i++; // not a token character: skip it rather than loop forever
      continue;
    }
    skipSpace();
    if (header[i] === '=' && current) {
      // An auth-param of the current challenge.
      i++;
      skipSpace();
      // Servers send unquoted values that are not strict tokens (base64 nonces); take them up to the next comma.
      const value = header[i] === '"' ? quoted() : bare();
      current.params.set(name.toLowerCase(), value);
      continue;
    }
    // A new challenge: `name` is its scheme.
    current = { scheme: name, params: new Map() };
    out.push(current);
    skipSpace();
    // A token68 (as in `Negotiate abc==`) stands alone up to the next comma; `name=value` does not.
    const t68 = header.slice(i).match(/^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/);
    if (t68) {
      current.params.set('token68', t68[0]);
      i += t68[0].length;
    }
    if (i === start) i++;
  }
  return out;
}

const ALGORITHMS = {
  'SHA-512-256': 'sha512-256',
  'SHA-256': 'sha256',
  MD5: 'md5',
} as const;
type Algorithm = keyof typeof ALGORITHMS;

/** Preference when a server offers several Digest challenges: the strongest hash first (RFC 7616 §3.7). */
const PREFERENCE: Algorithm[] = ['SHA-512-256', 'SHA-256', 'MD5'];

function algorithmOf(c: Challenge): { algorithm: Algorithm; session: boolean } | undefined {
  const raw = (c.params.get('algorithm') ?? 'MD5').toUpperCase();
  const session = raw.endsWith('-SESS');
  const name = (session ? raw.slice(0, -5) : raw) as Algorithm;
  return name in ALGORITHMS ? { algorithm: name, session } : undefined;
}

/** Picks the Digest challenge to answer, or undefined if none uses an algorithm we know. */
export function chooseDigest(challenges: readonly Challenge[]): Challenge | undefined {
  const digests = challenges.filter(
    (c) => c.scheme.toLowerCase() === 'digest' && c.params.has('nonce') && algorithmOf(c),
  );
  return digests.sort(
    (a, b) => PREFERENCE.indexOf(algorithmOf(a)!.algorithm) - PREFERENCE.indexOf(algorithmOf(b)!.algorithm),
  )[0];
}

export interface DigestRequest {
  method: string;
  /** The request target as sent: path and query. */
  uri: string;
  /** Needed only when the server asks for qop=auth-int. */
  body?: string | Uint8Array;
}

/**
 * Answers one Digest challenge for as many requests as the server accepts its nonce: each request gets
 * the next nonce count. A server that later says `stale=true` gets a new DigestSession from the caller.
 */
export class DigestSession {
  private nc = 0;
  private readonly algorithm: Algorithm;
  private readonly session: boolean;
  private readonly qop: 'auth' | 'auth-int' | undefined;
  private sessionKey: string | undefined;

  constructor(
    readonly challenge: Challenge,
    private readonly user: string,
    private readonly password: string,
    /** Only tests pass this, to reproduce the RFC's examples; otherwise 32 random bytes. */
    private readonly makeCnonce: () => string = () => randomBytes(24).toString('base64'),
  ) {
    const a = algorithmOf(challenge);
    // chooseDigest() offers only challenges of a supported algorithm.
    if (!a) throw new InternalError(`unsupported Digest algorithm ${challenge.params.get('algorithm') ?? ''}`);
    this.algorithm = a.algorithm;
    this.session = a.session;
    const offered = (challenge.params.get('qop') ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    // auth is preferred: auth-int hashes the whole body, which a server rarely needs and costs a pass over large graphs.
    this.qop = offered.includes('auth') ? 'auth' : offered.includes('auth-int') ? 'auth-int' : undefined;
  }

  private h(data: string | Uint8Array): string {
    return createHash(ALGORITHMS[this.algorithm]).update(data).digest('hex');
  }

  /** The Authorization header value for one request. */
  authorization(request: DigestRequest): string {
    const p = this.challenge.params;
    const realm = p.get('realm') ?? '';
    const nonce = p.get('nonce') ?? '';
    const opaque = p.get('opaque');
    const userhash = (p.get('userhash') ?? '').toLowerCase() === 'true';
    this.nc += 1;
    const nc = this.nc.toString(16).padStart(8, '0');
    const cnonce = this.makeCnonce();

    let ha1 = this.h(`${this.user}:${realm}:${this.password}`);
    if (this.session) {
      // RFC 7616 §3.4.2: with -sess, A1 takes the nonce and cnonce of the first request and is kept.
      this.sessionKey ??= this.h(`${ha1}:${nonce}:${cnonce}`);
      ha1 = this.sessionKey;
    }
    const a2 =
      this.qop === 'auth-int'
        ? `${request.method}:${request.uri}:${this.h(request.body ?? '')}`
        : `${request.method}:${request.uri}`;
    const ha2 = this.h(a2);
    const response = this.qop
      ? this.h(`${ha1}:${nonce}:${nc}:${cnonce}:${this.qop}:${ha2}`)
      : this.h(`${ha1}:${nonce}:${ha2}`);

    const fields: string[] = [];
    if (userhash) fields.push(`username=${quote(this.h(`${this.user}:${realm}`))}`);
    else if (/^[\x20-\x7e]*$/.test(this.user)) fields.push(`username=${quote(this.user)}`);
    // RFC 7616 §3.4.4: a name that is not ASCII goes in username* with RFC 8187 encoding.
    else fields.push(`username*=UTF-8''${encodeRfc8187(this.user)}`);
    fields.push(
      `realm=${quote(realm)}`,
      `uri=${quote(request.uri)}`,
      `algorithm=${this.algorithm}${this.session ? '-sess' : ''}`,
      `nonce=${quote(nonce)}`,
    );
    if (this.qop) fields.push(`nc=${nc}`, `cnonce=${quote(cnonce)}`, `qop=${this.qop}`);
    fields.push(`response=${quote(response)}`);
    if (opaque !== undefined) fields.push(`opaque=${quote(opaque)}`);
    if (userhash) fields.push('userhash=true');
    return `Digest ${fields.join(', ')}`;
  }
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function encodeRfc8187(value: string): string {
  return [...new TextEncoder().encode(value)]
    .map((b) =>
      /[A-Za-z0-9!#$&+\-.^_`|~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}
