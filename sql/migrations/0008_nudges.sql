-- 0008: revisit nudges. The worker plans them (one set-based statement per
-- organisation), delivers them by signed webhook, Slack or email within each
-- leader's guard rails, and the answer page turns a one-time token into a
-- fresh alignment rating.

------------------------------------------------------------------------------
-- Where webhook and Slack nudges go
------------------------------------------------------------------------------

CREATE TABLE webhook_endpoints (
  org_id          uuid        NOT NULL,
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- webhook: a signed JSON POST; slack: a Slack-compatible incoming webhook.
  kind            text        NOT NULL,
  url             text        NOT NULL,
  -- HMAC-SHA256 keys, newest first. Two while a secret is being rotated: the
  -- signature header carries one v1= per secret so receivers can verify with
  -- either. Slack incoming webhooks are not signed and may have none.
  secrets         text[]      NOT NULL DEFAULT '{}',
  -- Set when the receiver answered 410 Gone; nothing is sent there any more.
  disabled_at     timestamptz,
  disabled_reason text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer     NOT NULL DEFAULT 1,
  CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT webhook_endpoints_org_fk FOREIGN KEY (org_id)
    REFERENCES organisations (org_id),
  CONSTRAINT webhook_endpoints_kind_valid CHECK (kind IN ('webhook', 'slack')),
  CONSTRAINT webhook_endpoints_url_valid
    CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2000),
  CONSTRAINT webhook_endpoints_secrets_valid
    CHECK (cardinality(secrets) <= 2
           AND (kind = 'slack' OR cardinality(secrets) >= 1)
           AND array_position(secrets, NULL) IS NULL)
);

------------------------------------------------------------------------------
-- Digests: the surplus over a leader's weekly cap, merged into one message
------------------------------------------------------------------------------

CREATE TABLE nudge_digests (
  org_id     uuid        NOT NULL,
  id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  leader_id  uuid        NOT NULL,
  channel    text        NOT NULL,
  -- sent, or failed (its nudges go back to planned and are retried later).
  state      text        NOT NULL,
  sent_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT nudge_digests_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT nudge_digests_state_valid CHECK (state IN ('sent', 'failed')),
  CONSTRAINT nudge_digests_sent_has_time CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
  CONSTRAINT nudge_digests_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id) ON DELETE CASCADE,
  CONSTRAINT nudge_digests_channel_valid
    CHECK (channel IN ('webhook', 'slack', 'email'))
);
CREATE INDEX nudge_digests_leader_sent_idx ON nudge_digests (org_id, leader_id, sent_at);

------------------------------------------------------------------------------
-- Nudges
------------------------------------------------------------------------------

CREATE TABLE nudges (
  org_id           uuid        NOT NULL,
  id               uuid        NOT NULL DEFAULT gen_random_uuid(),
  initiative_id    uuid        NOT NULL,
  leader_id        uuid        NOT NULL,
  -- ConcordDomain.NudgeReason (a digest is a nudge_digests row, not a reason).
  reason           text        NOT NULL,
  -- ConcordDomain.NudgePeriodKey.period: 'c<n>' for cadence, 'YYYY-Www' else.
  period_key       text        NOT NULL,
  state            text        NOT NULL DEFAULT 'planned',
  -- Not before this instant; delivery moves it past quiet hours and snoozes.
  due_at           timestamptz NOT NULL,
  -- Delivery runs that failed; after the last one the nudge is 'failed'.
  attempts         integer     NOT NULL DEFAULT 0,
  last_error       text,
  sent_at          timestamptz,
  digest_id        uuid,
  channel          text,
  -- SHA-256 of the one-time answer token; the token itself is never stored.
  token_hash       bytea,
  token_expires_at timestamptz,
  answered_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT nudges_pkey PRIMARY KEY (org_id, id),
  -- Never two nudges for the same reason, pair and period: a key, so two
  -- planners running at once cannot both insert one.
  CONSTRAINT nudges_once_per_period
    UNIQUE (org_id, initiative_id, leader_id, reason, period_key),
  CONSTRAINT nudges_initiative_fk FOREIGN KEY (org_id, initiative_id)
    REFERENCES initiatives (org_id, id) ON DELETE CASCADE,
  CONSTRAINT nudges_leader_fk FOREIGN KEY (org_id, leader_id)
    REFERENCES leaders (org_id, id) ON DELETE CASCADE,
  CONSTRAINT nudges_digest_fk FOREIGN KEY (org_id, digest_id)
    REFERENCES nudge_digests (org_id, id),
  CONSTRAINT nudges_reason_valid
    CHECK (reason IN ('cadence', 'quiet_initiative', 'out_of_line', 'resistance',
                      'stage_change', 'stale_rating', 'support_drop')),
  CONSTRAINT nudges_period_key_valid
    CHECK (period_key ~ '^(c[0-9]+|[0-9]{4}-W[0-9]{2})$'),
  CONSTRAINT nudges_state_valid
    CHECK (state IN ('planned', 'sent', 'failed', 'answered', 'digested',
                     'skipped', 'expired')),
  CONSTRAINT nudges_channel_valid CHECK (channel IN ('webhook', 'slack', 'email')),
  CONSTRAINT nudges_attempts_range CHECK (attempts >= 0),
  CONSTRAINT nudges_token_hash_sha256 CHECK (octet_length(token_hash) = 32),
  CONSTRAINT nudges_token_has_expiry
    CHECK ((token_hash IS NULL) = (token_expires_at IS NULL)),
  CONSTRAINT nudges_digested_has_digest CHECK (state <> 'digested' OR digest_id IS NOT NULL),
  CONSTRAINT nudges_delivered_has_token
    CHECK (state NOT IN ('sent', 'digested', 'answered')
           OR (sent_at IS NOT NULL AND token_hash IS NOT NULL)),
  CONSTRAINT nudges_answered_has_time CHECK ((state = 'answered') = (answered_at IS NOT NULL))
);
-- Delivery: the planned nudges that are due, per leader.
CREATE INDEX nudges_due_idx ON nudges (org_id, leader_id, due_at) WHERE state = 'planned';
-- Planning's guards (the last nudge of a pair) and the weekly count of sends.
CREATE INDEX nudges_pair_idx ON nudges (org_id, initiative_id, leader_id, created_at);
CREATE INDEX nudges_leader_sent_idx ON nudges (org_id, leader_id, sent_at)
  WHERE sent_at IS NOT NULL;
CREATE INDEX nudges_digest_idx ON nudges (org_id, digest_id) WHERE digest_id IS NOT NULL;

------------------------------------------------------------------------------
-- Every delivery attempt (append-only)
------------------------------------------------------------------------------

CREATE TABLE nudge_deliveries (
  org_id      uuid        NOT NULL,
  id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- Exactly one of the two: a single nudge or a digest.
  nudge_id    uuid,
  digest_id   uuid,
  channel     text        NOT NULL,
  -- The URL, or smtp://host:port for email; never a secret.
  endpoint    text        NOT NULL,
  -- HTTP status, or the SMTP reply code of the last command; NULL when no
  -- answer came (timeout, refused connection).
  status_code integer,
  latency_ms  integer     NOT NULL,
  error       text,
  at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT nudge_deliveries_pkey PRIMARY KEY (org_id, id),
  CONSTRAINT nudge_deliveries_nudge_fk FOREIGN KEY (org_id, nudge_id)
    REFERENCES nudges (org_id, id) ON DELETE CASCADE,
  CONSTRAINT nudge_deliveries_digest_fk FOREIGN KEY (org_id, digest_id)
    REFERENCES nudge_digests (org_id, id) ON DELETE CASCADE,
  CONSTRAINT nudge_deliveries_one_subject CHECK ((nudge_id IS NULL) <> (digest_id IS NULL)),
  CONSTRAINT nudge_deliveries_channel_valid
    CHECK (channel IN ('webhook', 'slack', 'email')),
  CONSTRAINT nudge_deliveries_latency_range CHECK (latency_ms >= 0)
);
CREATE INDEX nudge_deliveries_nudge_idx ON nudge_deliveries (org_id, nudge_id);
CREATE INDEX nudge_deliveries_digest_idx ON nudge_deliveries (org_id, digest_id);
CREATE INDEX nudge_deliveries_at_idx ON nudge_deliveries (org_id, at DESC);

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON nudge_deliveries
  FOR EACH ROW EXECUTE FUNCTION app.reject_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON nudge_deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION app.reject_change();

------------------------------------------------------------------------------
-- Answer tokens: a global directory from token hash to organisation
------------------------------------------------------------------------------

-- The answer page has no API key, so it cannot set app.org_id before it
-- knows the organisation. Every index of a tenant table leads with org_id,
-- so the lookup by hash alone lives here, outside the tenancy, filled by a
-- trigger on nudges and read only through nudge_by_token().
CREATE TABLE auth.nudge_tokens (
  token_hash bytea       NOT NULL,
  org_id     uuid        NOT NULL,
  nudge_id   uuid        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT nudge_tokens_pkey PRIMARY KEY (token_hash),
  CONSTRAINT nudge_tokens_nudge_fk FOREIGN KEY (org_id, nudge_id)
    REFERENCES public.nudges (org_id, id) ON DELETE CASCADE,
  CONSTRAINT nudge_tokens_token_hash_sha256 CHECK (octet_length(token_hash) = 32)
);
CREATE INDEX nudge_tokens_nudge_idx ON auth.nudge_tokens (org_id, nudge_id);

CREATE FUNCTION app.nudges_register_token() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO auth.nudge_tokens (token_hash, org_id, nudge_id)
  VALUES (NEW.token_hash, NEW.org_id, NEW.id)
  ON CONFLICT (token_hash) DO NOTHING;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION app.nudges_register_token() FROM PUBLIC;

CREATE TRIGGER nudges_register_token
  AFTER INSERT OR UPDATE OF token_hash ON nudges
  FOR EACH ROW WHEN (NEW.token_hash IS NOT NULL)
  EXECUTE FUNCTION app.nudges_register_token();

-- The organisation and nudge of a token hash; no row: unknown token. The
-- caller then checks state and expiry inside that organisation's scope.
CREATE FUNCTION public.nudge_by_token(token_hash bytea)
RETURNS TABLE (org_id uuid, nudge_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.org_id, t.nudge_id FROM auth.nudge_tokens AS t WHERE t.token_hash = $1
$$;
REVOKE EXECUTE ON FUNCTION public.nudge_by_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.nudge_by_token(bytea) TO concord_api;

------------------------------------------------------------------------------
-- Tenancy and privileges
------------------------------------------------------------------------------

CALL app.secure_tenant_table('webhook_endpoints');
CALL app.secure_tenant_table('nudge_digests');
CALL app.secure_tenant_table('nudges');
CALL app.secure_tenant_table('nudge_deliveries');

-- The worker plans and delivers; it disables an endpoint that answered 410.
GRANT SELECT, INSERT, UPDATE ON nudges, nudge_digests TO concord_worker;
GRANT SELECT, INSERT ON nudge_deliveries TO concord_worker;
GRANT SELECT ON webhook_endpoints TO concord_worker;
GRANT UPDATE (disabled_at, disabled_reason) ON webhook_endpoints TO concord_worker;

-- The API reads nudges and their deliveries, records answers (state and
-- answered_at only) and manages the organisation's endpoints.
GRANT SELECT ON nudges, nudge_digests, nudge_deliveries TO concord_api;
GRANT UPDATE (state, answered_at) ON nudges TO concord_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO concord_api;

-- BI sees what was nudged and delivered, never token hashes nor endpoints
-- (their secrets).
GRANT SELECT (org_id, id, initiative_id, leader_id, reason, period_key, state, due_at,
              attempts, sent_at, digest_id, channel, answered_at, created_at, updated_at)
  ON nudges TO concord_bi;
GRANT SELECT ON nudge_digests, nudge_deliveries TO concord_bi;
