-- A record read before the reader knew its owner: it names its provider itself.
UPDATE {{table}}
SET prov = provider
WHERE prov IS NULL AND provider IS NOT NULL
