ALTER TABLE "delivery_attempts" ADD COLUMN "dns_ms" real;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "connect_ms" real;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "tls_ms" real;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "ttfb_ms" real;