// The per-client share of the workers: a query past it waits in its client's line, then is refused with 429.
import { describe, expect, it } from 'vitest';
import { ClientLimit } from '../../src/serve/client-limit.ts';
import { HttpError } from '../../src/serve/http-error.ts';

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('ClientLimit', () => {
  it('hands a freed share to the next query of the same client, in order, never past the limit', async () => {
    const limit = new ClientLimit(1, 1, 5_000);
    const first = await limit.acquire('a');
    const order: number[] = [];
    const waiting = [1, 2, 3].map((i) =>
      limit.acquire('a').then((release) => {
        order.push(i);
        return release;
      }),
    );
    // Another client is not in that line.
    const other = await limit.acquire('b');
    await settle();
    expect(order).toEqual([]);
    first();
    const second = await waiting[0]!;
    await settle();
    expect(order).toEqual([1]);
    second();
    (await waiting[1]!)();
    (await waiting[2]!)();
    expect(order).toEqual([1, 2, 3]);
    other();
    expect(limit.clients).toBe(0);
  });

  it('refuses with 429 after the wait, or at once when the line is full', async () => {
    const limit = new ClientLimit(1, 7, 50, 2);
    const held = await limit.acquire('a');
    const late = limit.acquire('a');
    const later = limit.acquire('a');
    const refused = await limit.acquire('a').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(429);
    const waited = await late.catch((e: unknown) => e);
    expect((waited as HttpError).status).toBe(429);
    expect((waited as HttpError).headers['Retry-After']).toBe('7');
    await later.catch(() => undefined);
    held();
    expect(limit.clients).toBe(0);
    // The share is free again: the next query gets it at once.
    (await limit.acquire('a'))();
  });
});
