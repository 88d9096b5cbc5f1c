CREATE TABLE "applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"cycle_id" uuid,
	"kind" text NOT NULL,
	"dn_c" text DEFAULT 'JP' NOT NULL,
	"dn_st" text NOT NULL,
	"dn_l" text NOT NULL,
	"dn_o" text NOT NULL,
	"dn_ou" text,
	"dn_cn" text NOT NULL,
	"applicant" jsonb NOT NULL,
	"period_months" integer NOT NULL,
	"csr_pem" text,
	"csr_method" text NOT NULL,
	"www_option" boolean DEFAULT false NOT NULL,
	"approver_address" text,
	"encrypted_private_key" text,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applications_kind_ck" CHECK ("applications"."kind" in ('new', 'renewal', 'auto_renewal', 'reissue'))
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"contract_id" uuid,
	"cycle_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"application_id" uuid,
	"pem" text NOT NULL,
	"chain_pem" text,
	"serial" text NOT NULL,
	"subject" text NOT NULL,
	"subject_cn" text,
	"sans" text[] DEFAULT '{}'::text[] NOT NULL,
	"issuer" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"contract_period_end" timestamp with time zone,
	"sha256" text NOT NULL,
	"public_key_sha256" text NOT NULL,
	"encrypted_private_key" text,
	"registered_by" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_group_id" uuid NOT NULL,
	"cn" text NOT NULL,
	"category" text NOT NULL,
	"ca" text,
	"product_id" text,
	"period_months" integer,
	"csr_method" text,
	"www_option" boolean DEFAULT false NOT NULL,
	"linked_services" text[] DEFAULT '{}'::text[] NOT NULL,
	"slack_channel_id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_category_ck" CHECK ("contracts"."category" in ('proxy', 'byo')),
	CONSTRAINT "contracts_status_ck" CHECK ("contracts"."status" in ('active', 'cancelled')),
	CONSTRAINT "contracts_proxy_terms_ck" CHECK ("contracts"."category" = 'byo' or ("contracts"."ca" is not null and "contracts"."product_id" is not null and "contracts"."period_months" is not null and "contracts"."csr_method" is not null))
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_group_id" uuid NOT NULL,
	"slack_user_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_role_ck" CHECK ("members"."role" in ('group_admin', 'service_admin'))
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"cycle_id" uuid,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"slack_channel_id" text,
	"slack_ts" text,
	"slack_thread_ts" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"skip_reason" text,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notices_status_ck" CHECK ("notices"."status" in ('pending', 'sending', 'sent', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "renewal_cycles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"certificate_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'scheduled' NOT NULL,
	"decision_deadline" timestamp with time zone,
	"data_deadline" timestamp with time zone,
	"chosen_period_months" integer,
	"decision" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"renewal_data_complete" boolean DEFAULT false NOT NULL,
	"noticed_at" timestamp with time zone,
	"slack_channel_id" text,
	"slack_ts" text,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"locale" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_groups_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_cycle_id_renewal_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."renewal_cycles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_service_group_id_service_groups_id_fk" FOREIGN KEY ("service_group_id") REFERENCES "public"."service_groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_service_group_id_service_groups_id_fk" FOREIGN KEY ("service_group_id") REFERENCES "public"."service_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_certificate_id_certificates_id_fk" FOREIGN KEY ("certificate_id") REFERENCES "public"."certificates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_cycle_id_renewal_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."renewal_cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "renewal_cycles" ADD CONSTRAINT "renewal_cycles_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "renewal_cycles" ADD CONSTRAINT "renewal_cycles_certificate_id_certificates_id_fk" FOREIGN KEY ("certificate_id") REFERENCES "public"."certificates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "applications_cycle_renewal_uq" ON "applications" USING btree ("cycle_id") WHERE "applications"."kind" in ('renewal', 'auto_renewal');--> statement-breakpoint
CREATE INDEX "applications_contract_idx" ON "applications" USING btree ("contract_id","requested_at");--> statement-breakpoint
CREATE INDEX "audit_events_contract_idx" ON "audit_events" USING btree ("contract_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_contract_sha256_uq" ON "certificates" USING btree ("contract_id","sha256");--> statement-breakpoint
CREATE INDEX "certificates_contract_not_after_idx" ON "certificates" USING btree ("contract_id","not_after");--> statement-breakpoint
CREATE INDEX "certificates_not_after_idx" ON "certificates" USING btree ("not_after");--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_active_cn_uq" ON "contracts" USING btree ("cn") WHERE "contracts"."status" <> 'cancelled';--> statement-breakpoint
CREATE INDEX "contracts_group_idx" ON "contracts" USING btree ("service_group_id");--> statement-breakpoint
CREATE INDEX "contracts_channel_idx" ON "contracts" USING btree ("slack_channel_id");--> statement-breakpoint
CREATE UNIQUE INDEX "members_group_user_uq" ON "members" USING btree ("service_group_id","slack_user_id");--> statement-breakpoint
CREATE INDEX "members_user_idx" ON "members" USING btree ("slack_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_certificate_kind_uq" ON "notices" USING btree ("certificate_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_cycle_kind_uq" ON "notices" USING btree ("cycle_id","kind") WHERE "notices"."cycle_id" is not null;--> statement-breakpoint
CREATE INDEX "notices_due_idx" ON "notices" USING btree ("due_at") WHERE "notices"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "notices_claimed_idx" ON "notices" USING btree ("claimed_at") WHERE "notices"."status" = 'sending';--> statement-breakpoint
CREATE INDEX "notices_cycle_idx" ON "notices" USING btree ("cycle_id");--> statement-breakpoint
CREATE INDEX "notices_failed_idx" ON "notices" USING btree ("updated_at") WHERE "notices"."status" = 'failed';--> statement-breakpoint
CREATE UNIQUE INDEX "renewal_cycles_contract_expiry_uq" ON "renewal_cycles" USING btree ("contract_id","expires_at");--> statement-breakpoint
CREATE INDEX "renewal_cycles_open_expiry_idx" ON "renewal_cycles" USING btree ("expires_at") WHERE "renewal_cycles"."state" not in ('completed', 'cancelled');