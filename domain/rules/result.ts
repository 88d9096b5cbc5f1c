/**
 * Errors are values in the domain: a stable `reason` code that the Slack layer translates (ja/en),
 * with the parameters the message needs.
 */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<R extends string = string> = {
  readonly ok: false;
  readonly reason: R;
  readonly params?: Readonly<Record<string, string | number | boolean | null>>;
};
export type Result<T, R extends string = string> = Ok<T> | Err<R>;

/** A successful result. */
export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

/** A failed result with a stable reason code and the parameters its message needs. */
export const err = <R extends string>(reason: R, params?: Err<R>['params']): Err<R> =>
  params === undefined ? { ok: false, reason } : { ok: false, reason, params };
