// HTTP for push: fetch with a time limit, answering 401 challenges with Basic or Digest, and URLs shown without credentials.
import { DigestSession, chooseDigest, parseChallenges } from './digest-auth.ts';

export interface Credentials {
  user: string;
  password: string;
}

export interface HttpRequest {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts the request (and the connection the server works for) besides the client's time limit. */
  signal?: AbortSignal;
  /** This request's time limit instead of the client's. */
  timeoutMs?: number;
}

/** Query parameters that carry secrets in some stores' URLs (QLever's access-token, API keys). */
const SECRET_PARAM = /token|password|passwd|secret|key|auth/i;

/** A URL as it may be printed: user:password@ taken out and secret-looking query parameters masked. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    u.username = '';
    u.password = '';
    for (const name of [...new Set(u.searchParams.keys())])
      if (SECRET_PARAM.test(name)) u.searchParams.set(name, '***');
    return u.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

/** Takes credentials out of a URL's userinfo; fetch refuses URLs that carry them, and logs must not show them. */
export function splitCredentials(url: string): { url: URL; credentials?: Credentials } {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return { url: u };
  const credentials = { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  u.username = '';
  u.password = '';
  return { url: u, credentials };
}

type Scheme = { kind: 'none' } | { kind: 'basic' } | { kind: 'digest'; session: DigestSession };

/**
 * One client per push. Authentication is per origin and only ever sent after that origin asked for it
 * (a 401 with WWW-Authenticate), so credentials given for the graph store never go to another host.
 * Digest is preferred over Basic when a server offers both.
 */
export class HttpClient {
  private readonly schemes = new Map<string, Scheme>();

  constructor(
    private readonly credentials: Credentials | undefined,
    private readonly timeoutMs = 120_000,
    /** 'error' for a client that must reach no host but the one it was given (serve --store). */
    private readonly redirect: 'follow' | 'error' = 'follow',
  ) {}

  async request(url: URL, init: HttpRequest): Promise<Response> {
    const origin = url.origin;
    let scheme = this.schemes.get(origin) ?? { kind: 'none' };
    // At most: the request as we think it should go, one answer to a fresh challenge, one to a stale nonce.
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...init.headers };
      const auth = this.authorization(scheme, url, init);
      if (auth !== undefined) headers.authorization = auth;
      const response = await fetch(url, {
        method: init.method,
        headers,
        ...(init.body !== undefined ? { body: init.body } : {}),
        redirect: this.redirect,
        signal: this.signal(init),
      });
      if (response.status !== 401 || !this.credentials || attempt >= 2) return response;
      const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
      const digest = chooseDigest(challenges);
      const next: Scheme | undefined = digest
        ? { kind: 'digest', session: new DigestSession(digest, this.credentials.user, this.credentials.password) }
        : challenges.some((c) => c.scheme.toLowerCase() === 'basic')
          ? { kind: 'basic' }
          : undefined;
      // A second 401 to the same kind of answer means the credentials are wrong, unless the nonce went stale.
      const stale = digest?.params.get('stale')?.toLowerCase() === 'true';
      if (!next || (attempt > 0 && scheme.kind === next.kind && !stale)) return response;
      await response.body?.cancel();
      scheme = next;
      this.schemes.set(origin, scheme);
    }
  }

  private signal(init: HttpRequest): AbortSignal {
    const timeout = AbortSignal.timeout(init.timeoutMs ?? this.timeoutMs);
    return init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
  }

  private authorization(scheme: Scheme, url: URL, init: HttpRequest): string | undefined {
    if (!this.credentials || scheme.kind === 'none') return undefined;
    if (scheme.kind === 'basic') {
      return `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.password}`, 'utf8').toString('base64')}`;
    }
    return scheme.session.authorization({
      method: init.method,
      uri: `${url.pathname}${url.search}`,
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  }
}

/** What a failed request says, without the URL's credentials or the request's headers. */
/** A store's error answer as one short line of text: its markup and runs of white space dropped, cut at `max`. */
export function answerText(body: string, max = 200): string {
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

export function describeFailure(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return 'no answer within the time limit';
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code)
      return cause.code === 'ECONNREFUSED'
        ? 'connection refused'
        : cause.code === 'ECONNRESET'
          ? 'connection reset'
          : cause.code;
    // fetch's own refusals (a blocked port, a bad URL) say why only in the cause.
    return cause?.message ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}
