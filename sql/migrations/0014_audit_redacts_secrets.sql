-- 0014: the audit log keeps no secrets. Its images were whole rows, so every
-- webhook secret written (and every one rotated away) stayed readable in an
-- append-only table that can never be cleaned. A column named `secrets` is
-- now logged as a short SHA-256 fingerprint per secret: enough to see that a
-- secret changed and which one is which, nothing to sign a message with.
-- Rows logged before this migration keep what they hold: an operator who
-- cares rotates the secrets they name.

CREATE OR REPLACE FUNCTION app.audit_redact(image jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE
    WHEN image IS NULL OR jsonb_typeof(image -> 'secrets') IS DISTINCT FROM 'array' THEN image
    ELSE jsonb_set(image, '{secrets}', coalesce(
      (SELECT jsonb_agg('sha256:' || left(encode(sha256(convert_to(s, 'UTF8')), 'hex'), 12) ORDER BY n)
       FROM jsonb_array_elements_text(image -> 'secrets') WITH ORDINALITY AS e (s, n)),
      '[]'::jsonb))
  END
$$;
REVOKE EXECUTE ON FUNCTION app.audit_redact(jsonb) FROM PUBLIC;

CREATE OR REPLACE FUNCTION app.audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  old_image jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_image jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  image     jsonb := coalesce(new_image, old_image);
  key       jsonb;
BEGIN
  -- Compared before redaction, so a rotated secret is still logged.
  IF TG_OP = 'UPDATE' AND old_image - 'updated_at' = new_image - 'updated_at' THEN
    RETURN NULL;
  END IF;
  SELECT jsonb_object_agg(k, image -> k) INTO key FROM unnest(TG_ARGV) AS k;
  INSERT INTO public.audit_log
    (org_id, actor, table_name, operation, row_key, before, after)
  VALUES
    ((image ->> 'org_id')::uuid,
     nullif(current_setting('app.actor', true), ''),
     TG_TABLE_NAME, TG_OP, key, app.audit_redact(old_image), app.audit_redact(new_image));
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION app.audit_row() FROM PUBLIC;
