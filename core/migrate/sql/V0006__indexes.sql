-- version: 6
-- name: indexes
-- phase: 6
-- transactional: true
-- reversible: true
-- lint-ignore: require-concurrent-index-creation
-- Description: indexes on the partitioned parents, so every partition (present and future) gets
-- them. PostgreSQL 15 cannot build an index on a partitioned parent CONCURRENTLY; on a fresh
-- schema the tables are empty, so the short lock is harmless.
CREATE INDEX IF NOT EXISTS {{prefix}}songs_artist_id_idx ON {{songs}} (artist_id);
CREATE INDEX IF NOT EXISTS {{prefix}}songs_album_id_idx ON {{songs}} (album_id);
CREATE INDEX IF NOT EXISTS {{prefix}}songs_name_normalized_id_idx ON {{songs}} (name_normalized, id);
CREATE INDEX IF NOT EXISTS {{prefix}}songs_name_trgm_idx ON {{songs}} USING gin (name_normalized gin_trgm_ops);
CREATE INDEX IF NOT EXISTS {{prefix}}songs_created_at_id_idx ON {{songs}} (created_at, id);
CREATE INDEX IF NOT EXISTS {{prefix}}songs_artist_name_id_idx ON {{songs}} (artist_id, name_normalized, id);
CREATE INDEX IF NOT EXISTS {{prefix}}albums_artist_id_idx ON {{albums}} (artist_id);
CREATE INDEX IF NOT EXISTS {{prefix}}albums_name_normalized_id_idx ON {{albums}} (name_normalized, id);
CREATE INDEX IF NOT EXISTS {{prefix}}artists_name_trgm_idx ON {{artists}} USING gin (name_normalized gin_trgm_ops);
