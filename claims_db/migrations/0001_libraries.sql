-- claimbot schema 1: every guild's library, a numbered change log, shared bot state.
-- Records are the engine's documents exactly as the TinyDB store writes them (jsonb),
-- keyed by (guild_id, id) so one guild's store can only address its own rows.

CREATE TABLE libraries (
    guild_id bigint PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE articles (
    guild_id bigint NOT NULL REFERENCES libraries (guild_id) ON DELETE CASCADE,
    id text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (guild_id, id)
);

CREATE TABLE statements (
    guild_id bigint NOT NULL,
    id text NOT NULL,
    article_id text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (guild_id, id),
    FOREIGN KEY (guild_id, article_id) REFERENCES articles (guild_id, id) ON DELETE CASCADE
);

CREATE INDEX statements_by_article ON statements (guild_id, article_id);

CREATE TABLE speakers (
    guild_id bigint NOT NULL REFERENCES libraries (guild_id) ON DELETE CASCADE,
    id text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (guild_id, id)
);

-- One row per committed write; seq counts up per guild (writers hold the guild's lock).
CREATE TABLE changes (
    guild_id bigint NOT NULL REFERENCES libraries (guild_id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    article_ids text[] NOT NULL,
    speaker_ids text[] NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, seq)
);

-- Process-wide facts every shard shares (the synced-command hash).
CREATE TABLE bot_state (
    key text PRIMARY KEY,
    value text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- When each identify bucket last identified, so shards in any process stay 5 s apart.
CREATE TABLE identify_buckets (
    bucket integer PRIMARY KEY,
    last_identify timestamptz NOT NULL
);
