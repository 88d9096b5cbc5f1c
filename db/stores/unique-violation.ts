/** drizzle wraps driver errors (`DrizzleQueryError`): PostgreSQL's 23505 is on the error or its cause. */
export const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
};
