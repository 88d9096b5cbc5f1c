import type { WebClient } from '@slack/web-api';
import type { Database } from '../../db/server/connection.ts';
import { loadOpsApplication, type OpsApplication } from '../../db/stores/handover-applications.ts';
import { opsMessageOfApplication } from '../../db/stores/handover-outbox.ts';
import type { Logger } from '../app/logger.ts';
import type { Locale } from '../i18n/locale.ts';
import { opsEventMessage } from '../views/operations/ops-message.ts';

/**
 * After a staff action (button, modal or `kigen certificate add`): the operations message shows the
 * new status, and the customer's thread is told. Slack failures are logged, never thrown: the fact is
 * stored already.
 */
export async function refreshOpsMessage(input: {
  client: WebClient;
  db: Database;
  applicationId: string;
  /** The clicked message; else the one the hand-over posted. */
  message?: { channel: string; ts: string } | null;
  locale: Locale;
  logger: Pick<Logger, 'warn'>;
}): Promise<OpsApplication | null> {
  const current = await loadOpsApplication(input.db, input.applicationId);
  if (!current) return null;
  const target = input.message ?? (await opsMessageOfApplication(input.db, input.applicationId));
  if (!target) return current;
  const message = opsEventMessage({
    event: current.event,
    progress: current.progress,
    issuedCertificate: current.issuedCertificate,
    locale: input.locale,
  });
  try {
    await input.client.chat.update({
      channel: target.channel,
      ts: target.ts,
      text: message.text,
      blocks: message.blocks,
    });
  } catch (error) {
    input.logger.warn({ err: error, applicationId: input.applicationId }, 'operations message not updated');
  }
  return current;
}

/** A reply in the customer's thread (the cycle's parent message), else in the contract's channel. */
export async function tellCustomer(input: {
  client: WebClient;
  application: OpsApplication;
  fallbackLocale: Locale;
  text: (locale: Locale) => string;
  logger: Pick<Logger, 'warn'>;
}): Promise<void> {
  const a = input.application;
  const locale = a.customerLocale ?? input.fallbackLocale;
  const text = input.text(locale);
  try {
    await input.client.chat.postMessage({
      channel: a.thread?.channel ?? a.contract.slackChannelId,
      ...(a.thread ? { thread_ts: a.thread.ts } : {}),
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
      unfurl_links: false,
    });
  } catch (error) {
    input.logger.warn({ err: error, applicationId: a.applicationId }, 'customer thread not told');
  }
}
