-- Why: apps may use the client_credentials grant (the scopes it may ask for) and authenticate with signed JWT assertions (their public keys), and each assertion's jti is refused a second time until the assertion has expired.
-- client_credentials_scopes: space-separated like scopes; '' means the app may not use the grant.
-- jwks: the app's registered JWKS document as JSON text; '' means no keys (no assertions).
ALTER TABLE apps ADD COLUMN client_credentials_scopes TEXT NOT NULL DEFAULT '';
ALTER TABLE apps ADD COLUMN jwks TEXT NOT NULL DEFAULT '';

-- The jti of every accepted client assertion (RFC 7523 §3 item 7), kept until the assertion could
-- no longer be accepted anyway; housekeeping deletes rows past remember_until.
CREATE TABLE client_assertion_jtis (
    app_id          INTEGER NOT NULL,
    jti             TEXT    NOT NULL,
    remember_until  INTEGER NOT NULL,
    PRIMARY KEY (app_id, jti)
) WITHOUT ROWID;
CREATE INDEX client_assertion_jtis_by_expiry ON client_assertion_jtis(remember_until);
