-- Why: the API gateway answers GET /account-info/v3/details from a hub's account settings and applies an app's own rate limit.
ALTER TABLE hubs ADD COLUMN account_type TEXT NOT NULL DEFAULT 'STANDARD';
ALTER TABLE hubs ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'US/Eastern';
ALTER TABLE hubs ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
ALTER TABLE hubs ADD COLUMN additional_currencies TEXT NOT NULL DEFAULT '';  -- space-separated
ALTER TABLE hubs ADD COLUMN utc_offset TEXT NOT NULL DEFAULT '-05:00';
ALTER TABLE apps ADD COLUMN rate_limit INTEGER;  -- NULL: the gateway_rate_limit setting
