-- delivery_attempts becomes range-partitioned by started_at (one partition per UTC day, plus a DEFAULT partition), so
-- retention drops whole days instead of deleting rows (db/partitions.ts creates the days ahead and drops old ones).
--
-- Existing rows are not copied: the old table is renamed and ATTACHed as one partition covering everything up to the
-- end of the current day (or of its latest row, if later). Attaching costs one read of the table (to check the bound)
-- and two index builds (the new primary key and attempt-number key); copying would write every row again, with its
-- WAL and all four indexes, under the same lock. The old table's (organization_id, started_at) and (started_at)
-- indexes are reused as they are. It is dropped as a whole by retention once all its rows are past the cutoff. An
-- empty old table (a new install) is simply dropped.
--
-- Unique keys of a partitioned table must contain the partition key: the primary key becomes (id, started_at) (ids
-- still come from the same sequence, so they stay unique on their own), and the attempt-number key becomes
-- (delivery_id, attempt_number, started_at). It no longer stops two rows with one number and different start times,
-- but that cannot happen: a delivery's attempts are written only by its one claimed run, which checks for a recorded
-- attempt before sending; an exact replay of a recorded attempt (same start) still conflicts and is skipped.
ALTER TABLE "delivery_attempts" RENAME TO "delivery_attempts_legacy";--> statement-breakpoint
ALTER TABLE "delivery_attempts_legacy" DROP CONSTRAINT "delivery_attempts_pkey";--> statement-breakpoint
DROP INDEX "delivery_attempts_delivery_number_key";--> statement-breakpoint
ALTER INDEX "delivery_attempts_org_started_idx" RENAME TO "delivery_attempts_legacy_org_started_idx";--> statement-breakpoint
ALTER INDEX "delivery_attempts_started_idx" RENAME TO "delivery_attempts_legacy_started_idx";--> statement-breakpoint
ALTER TABLE "delivery_attempts_legacy" RENAME CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk" TO "delivery_attempts_legacy_delivery_id_fk";--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigint DEFAULT nextval('delivery_attempts_id_seq'::regclass) NOT NULL,
	"delivery_id" text NOT NULL,
	"organization_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"attempt_number" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"request_url" text NOT NULL,
	"request_headers" jsonb NOT NULL,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body" text,
	"response_body_truncated" boolean DEFAULT false NOT NULL,
	"error_class" text,
	"error_message" text,
	"succeeded" boolean NOT NULL,
	"dns_ms" real,
	"connect_ms" real,
	"tls_ms" real,
	"ttfb_ms" real,
	CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY("id","started_at")
) PARTITION BY RANGE ("started_at");--> statement-breakpoint
ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY "delivery_attempts"."id";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "delivery_attempts_delivery_number_key" ON "delivery_attempts" USING btree ("delivery_id","attempt_number","started_at");--> statement-breakpoint
CREATE INDEX "delivery_attempts_org_started_idx" ON "delivery_attempts" USING btree ("organization_id","started_at");--> statement-breakpoint
CREATE INDEX "delivery_attempts_started_idx" ON "delivery_attempts" USING btree ("started_at");--> statement-breakpoint
-- Rows outside every day partition (far past or future, or a day not created yet) land here: no insert can fail.
CREATE TABLE "delivery_attempts_default" PARTITION OF "delivery_attempts" DEFAULT;--> statement-breakpoint
DO $$
DECLARE
  upper_bound timestamptz;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "delivery_attempts_legacy") THEN
    DROP TABLE "delivery_attempts_legacy";
    RETURN;
  END IF;
  SELECT (date_trunc('day', greatest(max("started_at"), now()) AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'
    INTO upper_bound FROM "delivery_attempts_legacy";
  EXECUTE format('ALTER TABLE "delivery_attempts" ATTACH PARTITION "delivery_attempts_legacy" FOR VALUES FROM (MINVALUE) TO (%L)', upper_bound);
END $$;
