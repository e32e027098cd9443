-- version: 1
-- name: extensions
-- phase: 1
-- transactional: true
-- reversible: true
-- Description: uuid-ossp for uuid helpers, pg_trgm for the trigram search indexes.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pg_trgm;
