import type { WebClient } from '@slack/web-api';
import type { Locale } from '../../bot/i18n/locale.ts';
import type { OpsStaff } from '../../bot/slack/ops-staff.ts';
import type { DnsResolver, NoticeSettings } from '../../domain/index.ts';
import type { HandoverChannel } from '../../domain/ports/handover.ts';
import type { KigenPorts } from '../../domain/ports/index.ts';

/** What every listener may use, given by the composition root (`bot/slack-app.ts`). */
export type HandlerDeps = {
  /** The use-cases' ports (storage, keys, DNS): a listener calls one use-case with them. */
  readonly ports: KigenPorts;
  /** Live DNS for `/cert dcv` (2 s per query, in parallel: R-DCV-5). */
  readonly resolver: DnsResolver;
  readonly now: () => Date;
  /** The user's language (Slack locale, cached; KIGEN_LOCALE when unknown). Never throws. */
  readonly userLocale: (client: WebClient, userId: string) => Promise<Locale>;
  /** KIGEN_LOCALE: the channel's language when the service group has none (default 'ja'). */
  readonly locale?: Locale;
  /** KIGEN_MASTER_KEY as configured; without it provider key generation is refused (R-CSR-3). */
  readonly masterKey?: string | undefined;
  /** Deployment notice settings, for planning the next cycle after a BYO registration. */
  readonly noticeSettings?: NoticeSettings;
  /** Where hand-over events of decisions go (KIGEN_OPS_CHANNEL, KIGEN_WEBHOOK_URL). */
  readonly handoverChannels?: readonly HandoverChannel[];
  /** Wakes the outbox after a decision enqueued its hand-over. */
  readonly wakeOutbox?: () => void;
  /** Hand-over to the provider's staff (KIGEN_OPS_CHANNEL / KIGEN_OPS_USERS); absent: ops buttons refuse. */
  readonly operations?: { readonly staff: OpsStaff; readonly locale: Locale } | undefined;
};
