/**
 * Dependencies point inward (README, "How Kigen is built"): domain/ at the centre, then the entry
 * points (handlers/, scheduler/) and the adapters (db/, bot/slack, bot/webhook, bot/keys, bot/dns)
 * around it, and only the composition root (bot/app/) wires them together.
 */
const IO_LIBRARIES = 'node_modules/(@slack|drizzle-orm|postgres|pg|pg-pool|agenda|@agendajs|pino|undici)/';
const ADAPTERS = '^(db|bot/(slack|webhook|keys|dns))/';

module.exports = {
  forbidden: [
    {
      name: 'rules-are-pure',
      severity: 'error',
      comment:
        'domain/rules/ holds the rules: they import only other rules, pure libraries and the types of the ports they are given (the DNS resolver of R-DCV-5).',
      from: { path: '^domain/rules/' },
      to: { path: '^(domain/use-cases|bot|handlers|db|scheduler|test)/' },
    },
    {
      name: 'rules-take-ports-as-types',
      severity: 'error',
      from: { path: '^domain/rules/' },
      to: { path: '^domain/ports/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ports-declare-only',
      severity: 'error',
      comment: 'domain/ports/ declares what use-cases need, in the rules’ vocabulary.',
      from: { path: '^domain/ports/' },
      to: { path: '^(domain/use-cases|bot|handlers|db|scheduler|test)/' },
    },
    {
      name: 'use-cases-through-ports',
      severity: 'error',
      comment: 'A use-case talks to storage, Slack, keys and DNS only through domain/ports/.',
      from: { path: '^domain/use-cases/' },
      to: { path: '^(bot|handlers|db|scheduler|test)/' },
    },
    {
      name: 'domain-no-io-libraries',
      severity: 'error',
      comment: 'domain/ never talks to Slack, PostgreSQL, Agenda or the logs directly.',
      from: { path: '^domain/' },
      to: { path: IO_LIBRARIES },
    },
    {
      name: 'entry-points-no-storage',
      severity: 'error',
      comment: 'handlers/ and scheduler/ call use-cases; storage is behind ports (no db/, no drizzle).',
      from: { path: '^(handlers|scheduler)/' },
      to: { path: ['^db/', 'node_modules/(drizzle-orm|postgres)/'] },
    },
    {
      name: 'handlers-not-adapters',
      severity: 'error',
      comment:
        'A listener parses, calls one use-case and renders a view; Slack writes go through the outbox. Types of the Slack staff check and locales are given by the composition root.',
      from: { path: '^handlers/' },
      to: {
        path: ['^scheduler/', '^bot/(app|webhook|keys|dns)/', '^bot/slack/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'views-and-i18n-draw-the-domain',
      severity: 'error',
      comment: 'Views and texts are pure: they take domain read-models and return plain objects.',
      from: { path: '^bot/(views|i18n)/' },
      to: {
        path: ['^(db|handlers|scheduler)/', '^bot/(app|slack|webhook|keys|dns)/', IO_LIBRARIES],
        pathNot: 'node_modules/@slack/(types|bolt)/',
      },
    },
    {
      name: 'adapters-not-storage',
      severity: 'error',
      comment: 'The Slack, webhook, key and DNS adapters implement ports; they do not read the database.',
      from: { path: '^bot/(slack|webhook|keys|dns)/' },
      to: { path: ['^db/', '^handlers/', '^scheduler/', 'node_modules/(drizzle-orm|postgres)/'] },
    },
    {
      name: 'storage-not-slack',
      severity: 'error',
      comment: 'db/ implements the storage ports; it knows nothing of Slack or the entry points.',
      from: { path: '^db/' },
      to: { path: ['^(bot|handlers|scheduler)/', 'node_modules/@slack/'] },
    },
    {
      name: 'only-the-composition-root-wires',
      severity: 'error',
      comment: 'Adapters are wired to use-cases and entry points in bot/app/ only.',
      from: { path: '^(handlers|scheduler|domain|bot/(views|i18n))/' },
      to: { path: ADAPTERS, dependencyTypesNot: ['type-only'] },
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
