-- 0011: nudge delivery in three steps, the expiry sweep, and the pruning of
-- old delivery attempts.
--
-- A send must never depend on a transaction that may be retried. Delivery
-- now claims a message first (the nudges become 'sending', with their token,
-- channel and endpoint) and commits; sends it outside any transaction; then
-- records the outcome in a transaction of its own. A retried claim or
-- outcome transaction cannot send again.
--
-- The worker holds the leader's delivery lock (a session advisory lock) from
-- the claim to the outcome. A 'sending' nudge found by whoever holds that lock
-- was left by a sender that died mid-send: its attempt is recorded as
-- interrupted and the nudge is sent again (at least once across crashes, at
-- most once per claim).

ALTER TABLE nudges
  ADD COLUMN claimed_at       timestamptz,
  -- Where the claimed message goes (URL or smtp://host:port), so an
  -- interrupted attempt can be recorded with it.
  ADD COLUMN claimed_endpoint text;

ALTER TABLE nudges DROP CONSTRAINT nudges_state_valid;
ALTER TABLE nudges ADD CONSTRAINT nudges_state_valid
  CHECK (state IN ('planned', 'sending', 'sent', 'failed', 'answered', 'digested',
                   'skipped', 'expired'));
ALTER TABLE nudges ADD CONSTRAINT nudges_sending_is_claimed
  CHECK ((state = 'sending') = (claimed_at IS NOT NULL AND claimed_endpoint IS NOT NULL));
ALTER TABLE nudges ADD CONSTRAINT nudges_sending_has_token
  CHECK (state <> 'sending' OR (token_hash IS NOT NULL AND channel IS NOT NULL));

ALTER TABLE nudge_digests DROP CONSTRAINT nudge_digests_state_valid;
ALTER TABLE nudge_digests ADD CONSTRAINT nudge_digests_state_valid
  CHECK (state IN ('sending', 'sent', 'failed'));

-- Delivery: the leaders with a claim left behind.
CREATE INDEX nudges_sending_idx ON nudges (org_id, leader_id) WHERE state = 'sending';
-- The expiry sweep: delivered nudges by the expiry of their link.
CREATE INDEX nudges_token_expiry_idx ON nudges (org_id, token_expires_at)
  WHERE state IN ('sent', 'digested');

------------------------------------------------------------------------------
-- Pruning delivery attempts
------------------------------------------------------------------------------

-- Attempts stay append-only (never updated), but the worker prunes those
-- older than its retention period. Recent history cannot be erased: a row
-- younger than 30 days refuses deletion, whoever asks.
DROP TRIGGER append_only ON nudge_deliveries;
CREATE TRIGGER append_only BEFORE UPDATE ON nudge_deliveries
  FOR EACH ROW EXECUTE FUNCTION app.reject_change();

CREATE FUNCTION app.nudge_deliveries_prune_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF OLD.at > now() - interval '30 days' THEN
    RAISE EXCEPTION 'nudge_deliveries younger than 30 days cannot be deleted'
      USING ERRCODE = 'restrict_violation',
            CONSTRAINT = 'nudge_deliveries_retention',
            SCHEMA = TG_TABLE_SCHEMA,
            TABLE = TG_TABLE_NAME,
            HINT = 'Only attempts past the retention period are pruned.';
  END IF;
  RETURN OLD;
END
$$;

CREATE TRIGGER prune_only BEFORE DELETE ON nudge_deliveries
  FOR EACH ROW EXECUTE FUNCTION app.nudge_deliveries_prune_only();

GRANT DELETE ON nudge_deliveries TO concord_worker;
