-- version: 4
-- name: partitioned_parents
-- phase: 4
-- transactional: true
-- reversible: true
-- lint-ignore: prefer-bigint-over-int, prefer-bigint-over-smallint
-- Description: albums and songs, partitioned by month of created_at. PostgreSQL requires every
-- PRIMARY KEY / UNIQUE on a partitioned table to contain the partition key, hence (id, created_at)
-- and (api_key, created_at); see docs/schema.md. int/smallint are deliberate for small domains
-- (years, track numbers, ratings 0-5).
CREATE TABLE IF NOT EXISTS {{albums}} (
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
CREATE TABLE IF NOT EXISTS {{songs}} (
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
COMMENT ON COLUMN {{songs}}.duration IS 'milliseconds';
