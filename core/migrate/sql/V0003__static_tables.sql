-- version: 3
-- name: static_tables
-- phase: 3
-- transactional: true
-- reversible: true
-- lint-ignore: prefer-robust-stmts
-- Description: tables that stay small: libraries and artists. No foreign keys (Melodee's GORM
-- settings disable them while migrating); `melodee migrate check` reports orphans instead.
CREATE TABLE IF NOT EXISTS {{libraries}} (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    path text NOT NULL,
    type {{prefix}}library_type NOT NULL DEFAULT 'storage',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {{artists}} (
    id bigserial PRIMARY KEY,
    api_key uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    library_id bigint,
    name varchar(255) NOT NULL,
    name_normalized varchar(255) NOT NULL,
    sort_name varchar(255),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
