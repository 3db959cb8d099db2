// What a query request must pass before it may cost a worker: its size, and a media type for the form it turns out to be.
import { HttpError } from './http-error.ts';
import { RESULT_MEDIA_TYPES, type ResultKind } from './media-types.ts';
import { PolicyError, type QueryForm } from './query-policy.ts';

/** Default bound on a query's text; parsing grows with it (64 KB of FILTERs take a worker about 0.3 s). */
export const DEFAULT_MAX_QUERY_BYTES = 64 * 1024;

/** The chosen media type per result kind; the form is known only once the worker has parsed the query. */
export type MediaChoices = Partial<Record<ResultKind, string>>;

/** Refuses (413) a query text over `maxBytes` before anything parses it. */
export function checkQuerySize(query: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(query);
  if (bytes > maxBytes) {
    throw new HttpError(
      413,
      `the query is ${bytes} bytes, more than the ${maxBytes} this endpoint accepts (serve --max-query-bytes)`,
      { Connection: 'close' },
      'QUERY_REFUSED',
    );
  }
}

export function resultKind(form: QueryForm): ResultKind {
  return form === 'select' || form === 'ask' ? 'bindings' : 'quads';
}

/** The media type for a parsed query's form, or a 406 refusal naming what this form can be answered in. */
export function mediaTypeForForm(form: QueryForm, choices: MediaChoices): string {
  const kind = resultKind(form);
  const chosen = choices[kind];
  if (chosen) return chosen;
  throw new PolicyError(
    `none of the media types in Accept can be served for this ${form.toUpperCase()} query; available: ${RESULT_MEDIA_TYPES[kind].join(', ')}`,
    406,
  );
}
