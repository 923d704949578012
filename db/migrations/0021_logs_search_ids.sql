DROP INDEX "events_search_keys_gin";--> statement-breakpoint
CREATE INDEX "deliveries_id_pattern_idx" ON "deliveries" USING btree ("id" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "events_search_keys_v2_gin" ON "events" USING gin ((array["id", "data" ->> 'sessionId', "data" ->> 'referenceId', "data" ->> 'credentialId', "data" ->> 'credentialUuid', "data" ->> 'previousCredentialId', "data" ->> 'badgeId', "data" ->> 'bulkIssuanceId', lower("data" ->> 'recipientEmail')]));--> statement-breakpoint
CREATE INDEX "events_id_pattern_idx" ON "events" USING btree ("id" text_pattern_ops);