-- Why: the root database keeps the catalogue of the server's sandboxes (issue 15), each sandbox's
-- own apps, hubs, users, codes, tokens and clock living in a database file of its own; a snapshot
-- is a file too, and its row says which sandbox it belongs to.
CREATE TABLE sandboxes (
    sandbox_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    admin_key_digest BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    ttl_seconds INTEGER NOT NULL
);
CREATE TABLE sandbox_snapshots (
    snapshot_id TEXT PRIMARY KEY,
    sandbox_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX sandbox_snapshots_by_sandbox ON sandbox_snapshots (sandbox_id);
