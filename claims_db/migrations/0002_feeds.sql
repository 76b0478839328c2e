-- claimbot schema 2: followed feeds and small per-library state (feed quota, watched channels).

CREATE TABLE feeds (
    guild_id bigint NOT NULL REFERENCES libraries (guild_id) ON DELETE CASCADE,
    id text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (guild_id, id)
);

CREATE TABLE library_state (
    guild_id bigint NOT NULL REFERENCES libraries (guild_id) ON DELETE CASCADE,
    key text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (guild_id, key)
);
