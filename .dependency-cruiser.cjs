/** Dependencies point inward (DEVELOPERS.md): domain/ depends on none of the adapters. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds the rules: no Slack, no SQL, no scheduler, no composition root.',
      from: { path: '^domain/' },
      to: { path: '^(bot|handlers|db|scheduler|test)/' },
    },
    {
      name: 'domain-no-io-libraries',
      severity: 'error',
      comment: 'domain/ never talks to Slack, PostgreSQL or Agenda directly.',
      from: { path: '^domain/' },
      to: { path: 'node_modules/(@slack|drizzle-orm|postgres|pg|agenda|@agendajs|pino)/' },
    },
    {
      name: 'handlers-not-db-or-scheduler-internals',
      severity: 'error',
      comment: 'handlers parse, call a use-case and render; they do not reach into the scheduler.',
      from: { path: '^handlers/' },
      to: { path: '^scheduler/' },
    },
    {
      name: 'db-not-slack',
      severity: 'error',
      from: { path: '^(db|scheduler)/' },
      to: { path: '^(bot|handlers)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
