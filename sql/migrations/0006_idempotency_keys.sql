-- Idempotency keys for POST: a retried create returns the first answer instead of making a second row.
-- The key is taken in the same transaction as the write it guards, so the two commit or roll back together;
-- a concurrent retry waits on the key's row and then reads the stored answer.

CREATE TABLE idempotency_keys (
  org_id          uuid        NOT NULL,
  key             text        NOT NULL,
  -- SHA-256 of method, path and body: the same key with another request is refused.
  request_hash    text        NOT NULL,
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (org_id, key),
  CONSTRAINT idempotency_keys_org_fk FOREIGN KEY (org_id) REFERENCES organisations (org_id),
  CONSTRAINT idempotency_keys_key_valid CHECK (length(key) BETWEEN 1 AND 255)
);

-- Old keys are removed by age; the index serves that sweep.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (org_id, created_at);

CALL app.secure_tenant_table('idempotency_keys');

GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO concord_api;
GRANT SELECT, DELETE ON idempotency_keys TO concord_worker;
