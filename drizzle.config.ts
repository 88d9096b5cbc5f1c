import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  // Agenda keeps its own table; drizzle-kit must never touch it.
  tablesFilter: ['!agenda_jobs', '!agendaJobs'],
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/kigen' },
});
