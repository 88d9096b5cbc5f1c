CREATE TABLE "application_progress" (
	"application_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"submitted_at" timestamp with time zone,
	"submitted_by" text,
	"issued_at" timestamp with time zone,
	"issued_by" text,
	"certificate_id" uuid,
	"rejected_at" timestamp with time zone,
	"rejected_by" text,
	"rejection_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "application_progress_status_ck" CHECK ("application_progress"."status" in ('submitted', 'issued', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "handover_channels" (
	"channel" text PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handover_channels_channel_ck" CHECK ("handover_channels"."channel" in ('ops_channel', 'webhook'))
);
--> statement-breakpoint
CREATE TABLE "handover_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"slack_channel_id" text,
	"slack_ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handover_deliveries_channel_ck" CHECK ("handover_deliveries"."channel" in ('ops_channel', 'webhook')),
	CONSTRAINT "handover_deliveries_status_ck" CHECK ("handover_deliveries"."status" in ('pending', 'sending', 'delivered'))
);
--> statement-breakpoint
CREATE TABLE "handover_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"kind" text NOT NULL,
	"application_id" uuid,
	"cycle_id" uuid,
	"contract_id" uuid NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handover_events_kind_ck" CHECK ("handover_events"."kind" in ('application', 'opt_out', 'opt_out_undone'))
);
--> statement-breakpoint
ALTER TABLE "application_progress" ADD CONSTRAINT "application_progress_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_progress" ADD CONSTRAINT "application_progress_certificate_id_certificates_id_fk" FOREIGN KEY ("certificate_id") REFERENCES "public"."certificates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_deliveries" ADD CONSTRAINT "handover_deliveries_event_id_handover_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."handover_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_events" ADD CONSTRAINT "handover_events_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_events" ADD CONSTRAINT "handover_events_cycle_id_renewal_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."renewal_cycles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_events" ADD CONSTRAINT "handover_events_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "handover_deliveries_event_channel_uq" ON "handover_deliveries" USING btree ("event_id","channel");--> statement-breakpoint
CREATE INDEX "handover_deliveries_due_idx" ON "handover_deliveries" USING btree ("next_attempt_at") WHERE "handover_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "handover_deliveries_claimed_idx" ON "handover_deliveries" USING btree ("claimed_at") WHERE "handover_deliveries"."status" = 'sending';--> statement-breakpoint
CREATE INDEX "handover_events_contract_idx" ON "handover_events" USING btree ("contract_id","seq");--> statement-breakpoint
CREATE INDEX "handover_events_application_idx" ON "handover_events" USING btree ("application_id");