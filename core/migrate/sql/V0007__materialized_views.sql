-- version: 7
-- name: materialized_views
-- phase: 7
-- transactional: true
-- reversible: true
-- Description: counts that would otherwise scan 10M rows. Each view has a unique index so
-- `melodee refresh-views` can use REFRESH ... CONCURRENTLY without blocking readers.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{prefix}}library_totals AS
SELECT 1 AS id,
       (SELECT count(*) FROM {{songs}}) AS songs,
       (SELECT count(*) FROM {{albums}}) AS albums,
       (SELECT count(*) FROM {{artists}}) AS artists,
       (SELECT coalesce(sum(duration), 0) FROM {{songs}})::bigint AS total_duration_ms,
       now() AS refreshed_at;
CREATE UNIQUE INDEX IF NOT EXISTS {{prefix}}library_totals_id_idx ON {{prefix}}library_totals (id);
CREATE MATERIALIZED VIEW IF NOT EXISTS {{prefix}}artist_counts AS
SELECT a.id AS artist_id,
       coalesce(s.song_count, 0) AS song_count,
       coalesce(al.album_count, 0) AS album_count
FROM {{artists}} a
LEFT JOIN (SELECT artist_id, count(*) AS song_count FROM {{songs}} GROUP BY artist_id) s
       ON s.artist_id = a.id
LEFT JOIN (SELECT artist_id, count(*) AS album_count FROM {{albums}} GROUP BY artist_id) al
       ON al.artist_id = a.id;
CREATE UNIQUE INDEX IF NOT EXISTS {{prefix}}artist_counts_artist_id_idx ON {{prefix}}artist_counts (artist_id);
