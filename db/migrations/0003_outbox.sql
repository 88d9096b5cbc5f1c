CREATE TABLE "outbox_lanes" (
	"lane" text PRIMARY KEY NOT NULL,
	"holder" text,
	"held_until" timestamp with time zone,
	"paced_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lane" text NOT NULL,
	"kind" text NOT NULL,
	"contract_id" uuid,
	"cycle_id" uuid,
	"application_id" uuid,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"skip_reason" text,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"claim_token" uuid,
	"uncertain_since" timestamp with time zone,
	"slack_channel_id" text,
	"slack_ts" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_messages_status_ck" CHECK ("outbox_messages"."status" in ('pending', 'sending', 'sent', 'skipped', 'failed'))
);
--> statement-breakpoint
DROP INDEX "handover_deliveries_due_idx";--> statement-breakpoint
DROP INDEX "handover_deliveries_claimed_idx";--> statement-breakpoint
DROP INDEX "notices_claimed_idx";--> statement-breakpoint
DROP INDEX "notices_cycle_idx";--> statement-breakpoint
DROP INDEX "notices_due_idx";--> statement-breakpoint
ALTER TABLE "handover_deliveries" ADD COLUMN "lane" text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE "handover_deliveries" SET "lane" = CASE "channel" WHEN 'webhook' THEN 'webhook' ELSE 'ops' END;--> statement-breakpoint
ALTER TABLE "handover_deliveries" ALTER COLUMN "lane" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "handover_deliveries" ADD COLUMN "claim_token" uuid;--> statement-breakpoint
ALTER TABLE "handover_deliveries" ADD COLUMN "uncertain_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "lane" text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE "notices" n SET "lane" = 'slack:' || c."slack_channel_id" FROM "contracts" c WHERE c."id" = n."contract_id";--> statement-breakpoint
ALTER TABLE "notices" ALTER COLUMN "lane" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "claim_token" uuid;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "uncertain_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_cycle_id_renewal_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."renewal_cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_messages_ready_idx" ON "outbox_messages" USING btree ("lane","created_at") WHERE "outbox_messages"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_messages_sending_idx" ON "outbox_messages" USING btree ("lane") WHERE "outbox_messages"."status" = 'sending';--> statement-breakpoint
CREATE INDEX "handover_deliveries_lane_idx" ON "handover_deliveries" USING btree ("lane") WHERE "handover_deliveries"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "notices_lane_due_idx" ON "notices" USING btree ("lane","due_at") WHERE "notices"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "notices_lane_sending_idx" ON "notices" USING btree ("lane") WHERE "notices"."status" = 'sending';--> statement-breakpoint
CREATE INDEX "notices_due_idx" ON "notices" USING btree ("due_at","lane") WHERE "notices"."status" = 'pending';--> statement-breakpoint
-- The hand-over is enqueued in code now, by the use-case that records the fact (db/stores/handover-enqueue.ts).
DROP TRIGGER IF EXISTS "handover_application_inserted" ON "applications";--> statement-breakpoint
DROP TRIGGER IF EXISTS "handover_cycle_opt_out" ON "renewal_cycles";--> statement-breakpoint
DROP FUNCTION IF EXISTS kigen_handover_application();--> statement-breakpoint
DROP FUNCTION IF EXISTS kigen_handover_opt_out();--> statement-breakpoint
DROP FUNCTION IF EXISTS kigen_handover_enqueue(text, uuid, uuid, uuid, jsonb, text, timestamptz);--> statement-breakpoint
DROP TABLE IF EXISTS "handover_channels";
