-- version: 2
-- name: enum_types
-- phase: 2
-- transactional: true
-- reversible: true
-- Description: enum types. CREATE TYPE has no IF NOT EXISTS, so the DO block keeps reruns safe.
DO $$
BEGIN
    IF to_regtype('{{prefix}}library_type') IS NULL THEN
        CREATE TYPE {{prefix}}library_type AS ENUM ('inbound', 'staging', 'storage', 'user_images', 'playlist');
    END IF;
END
$$;
