-- Example deliveries table for the retry job (reference database). Copying: point the job at your
-- own deliveries/outbox table; it needs id, status ('failed' = retry me), attempts and updated_at.
CREATE TABLE IF NOT EXISTS failed_deliveries (
  id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('failed', 'delivered')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS failed_deliveries_failed ON failed_deliveries (updated_at) WHERE status = 'failed';
