-- Melodee migration plan
-- format-version: 1
-- plan-hash: sha256:503488aa8252fe315d095463b734ed70b574c023a18b79e8a6fa68b53522d6b1
-- target: offline (planned against an empty database)
-- base-version: 0 (empty database)
-- generated-at: 2026-11-27T00:00:00Z
-- environment: development
-- pending: 7 migrations, 35 statements; lint: 0 errors, 0 warnings
-- guard: environment development; every statement is safe
-- Apply exactly this plan: melodee migrate --plan <this file> --reviewer <name>

-- Session settings, run once before the first migration:
SET lock_timeout = '5s';
SET statement_timeout = '10min';

-- ======================================================================
-- Phase 1: extensions
-- ======================================================================

-- Migration 1 extensions: transactional (one transaction with its history row), reversible
-- source: built-in V0001__extensions.sql, checksum sha256:d97ce873be20bd01e2b1894dc46a16aa512005ef2fcf777ebb24a8d7161b63de
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ======================================================================
-- Phase 2: enum types
-- ======================================================================

-- Migration 2 enum_types: transactional (one transaction with its history row), reversible
-- source: built-in V0002__enum_types.sql, checksum sha256:af1a3020494fa158e413c881b255b31f70effecc952321d0637167c93d3f772e
DO $$
BEGIN
    IF to_regtype('melodee_library_type') IS NULL THEN
        CREATE TYPE melodee_library_type AS ENUM ('inbound', 'staging', 'storage', 'user_images', 'playlist');
    END IF;
END
$$;

-- ======================================================================
-- Phase 3: static tables
-- ======================================================================

-- Migration 3 static_tables: transactional (one transaction with its history row), reversible
-- source: built-in V0003__static_tables.sql, checksum sha256:9f660f78cbc0c5412359acf2fdaa415236f62d5a5e7c8d9417da7a376f9e4294
CREATE TABLE IF NOT EXISTS melodee_libraries (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    path text NOT NULL,
    type melodee_library_type NOT NULL DEFAULT 'storage',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS melodee_artists (
    id bigserial PRIMARY KEY,
    api_key uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    library_id bigint,
    name varchar(255) NOT NULL,
    name_normalized varchar(255) NOT NULL,
    sort_name varchar(255),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- ======================================================================
-- Phase 4: partitioned parents
-- ======================================================================

-- Migration 4 partitioned_parents: transactional (one transaction with its history row), reversible
-- source: built-in V0004__partitioned_parents.sql, checksum sha256:251d77edfe9d33ba88e6f811510d6688872cc77b017a51c47724dc80d1771ea7
CREATE TABLE IF NOT EXISTS melodee_albums (
    id bigserial NOT NULL,
    api_key uuid NOT NULL DEFAULT gen_random_uuid(),
    name varchar(255) NOT NULL,
    name_normalized varchar(255) NOT NULL,
    sort_name varchar(255),
    artist_id bigint,
    release_year int,
    song_count int NOT NULL DEFAULT 0,
    duration bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, created_at),
    UNIQUE (api_key, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE IF NOT EXISTS melodee_songs (
    id bigserial NOT NULL,
    api_key uuid NOT NULL DEFAULT gen_random_uuid(),
    name varchar(255) NOT NULL,
    name_normalized varchar(255) NOT NULL,
    sort_name varchar(255),
    album_id bigint,
    artist_id bigint,
    duration bigint,
    track_number int,
    disc_number int,
    file_path text,
    file_size bigint,
    bit_rate int,
    play_count bigint NOT NULL DEFAULT 0,
    rating smallint CHECK (rating BETWEEN 0 AND 5),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, created_at),
    UNIQUE (api_key, created_at)
) PARTITION BY RANGE (created_at);
COMMENT ON COLUMN melodee_songs.duration IS 'milliseconds';

-- ======================================================================
-- Phase 5: partitions
-- ======================================================================

-- Migration 5 partitions: transactional (one transaction with its history row), reversible
-- source: built-in V0005__partitions.sql, checksum sha256:e7abd46a25f97e735812fdd72d4e10c70743c776fb27bb1787af561fa143db57
-- statements generated from generated-at (UTC month) and migrate.premake_months
CREATE TABLE IF NOT EXISTS melodee_albums_2026_11 PARTITION OF melodee_albums FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_albums_2026_12 PARTITION OF melodee_albums FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_albums_2027_01 PARTITION OF melodee_albums FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_albums_2027_02 PARTITION OF melodee_albums FOR VALUES FROM ('2027-02-01 00:00:00+00') TO ('2027-03-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_albums_2027_03 PARTITION OF melodee_albums FOR VALUES FROM ('2027-03-01 00:00:00+00') TO ('2027-04-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_albums_2027_04 PARTITION OF melodee_albums FOR VALUES FROM ('2027-04-01 00:00:00+00') TO ('2027-05-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_albums_default PARTITION OF melodee_albums DEFAULT;
CREATE TABLE IF NOT EXISTS melodee_songs_2026_11 PARTITION OF melodee_songs FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_songs_2026_12 PARTITION OF melodee_songs FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_songs_2027_01 PARTITION OF melodee_songs FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_songs_2027_02 PARTITION OF melodee_songs FOR VALUES FROM ('2027-02-01 00:00:00+00') TO ('2027-03-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_songs_2027_03 PARTITION OF melodee_songs FOR VALUES FROM ('2027-03-01 00:00:00+00') TO ('2027-04-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_songs_2027_04 PARTITION OF melodee_songs FOR VALUES FROM ('2027-04-01 00:00:00+00') TO ('2027-05-01 00:00:00+00');
CREATE TABLE IF NOT EXISTS melodee_songs_default PARTITION OF melodee_songs DEFAULT;

-- ======================================================================
-- Phase 6: indexes
-- ======================================================================

-- Migration 6 indexes: transactional (one transaction with its history row), reversible
-- source: built-in V0006__indexes.sql, checksum sha256:6ce404b48e46c35b1e83f53838ade5f2f464ffb7b1be757599c02e07e92dc346
CREATE INDEX IF NOT EXISTS melodee_songs_artist_id_idx ON melodee_songs (artist_id);
CREATE INDEX IF NOT EXISTS melodee_songs_album_id_idx ON melodee_songs (album_id);
CREATE INDEX IF NOT EXISTS melodee_songs_name_normalized_id_idx ON melodee_songs (name_normalized, id);
CREATE INDEX IF NOT EXISTS melodee_songs_name_trgm_idx ON melodee_songs USING gin (name_normalized gin_trgm_ops);
CREATE INDEX IF NOT EXISTS melodee_songs_created_at_id_idx ON melodee_songs (created_at, id);
CREATE INDEX IF NOT EXISTS melodee_songs_artist_name_id_idx ON melodee_songs (artist_id, name_normalized, id);
CREATE INDEX IF NOT EXISTS melodee_albums_artist_id_idx ON melodee_albums (artist_id);
CREATE INDEX IF NOT EXISTS melodee_albums_name_normalized_id_idx ON melodee_albums (name_normalized, id);
CREATE INDEX IF NOT EXISTS melodee_artists_name_trgm_idx ON melodee_artists USING gin (name_normalized gin_trgm_ops);

-- ======================================================================
-- Phase 7: materialized views and views
-- ======================================================================

-- Migration 7 materialized_views: transactional (one transaction with its history row), reversible
-- source: built-in V0007__materialized_views.sql, checksum sha256:6347abe32e430ee7b84eddfb4607598b382fe58ddebbf51c915ae59b9b2aa01b
CREATE MATERIALIZED VIEW IF NOT EXISTS melodee_library_totals AS
SELECT 1 AS id,
       (SELECT count(*) FROM melodee_songs) AS songs,
       (SELECT count(*) FROM melodee_albums) AS albums,
       (SELECT count(*) FROM melodee_artists) AS artists,
       (SELECT coalesce(sum(duration), 0) FROM melodee_songs)::bigint AS total_duration_ms,
       now() AS refreshed_at;
CREATE UNIQUE INDEX IF NOT EXISTS melodee_library_totals_id_idx ON melodee_library_totals (id);
CREATE MATERIALIZED VIEW IF NOT EXISTS melodee_artist_counts AS
SELECT a.id AS artist_id,
       coalesce(s.song_count, 0) AS song_count,
       coalesce(al.album_count, 0) AS album_count
FROM melodee_artists a
LEFT JOIN (SELECT artist_id, count(*) AS song_count FROM melodee_songs GROUP BY artist_id) s
       ON s.artist_id = a.id
LEFT JOIN (SELECT artist_id, count(*) AS album_count FROM melodee_albums GROUP BY artist_id) al
       ON al.artist_id = a.id;
CREATE UNIQUE INDEX IF NOT EXISTS melodee_artist_counts_artist_id_idx ON melodee_artist_counts (artist_id);
