-- UUIDv7 in SQL, for set-based writes (imports) that create many rows in one statement: the first
-- 48 bits are the Unix time in milliseconds, version 7, the rest random (as uuidv7() in the app).
CREATE OR REPLACE FUNCTION leadbase_uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
        from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;
