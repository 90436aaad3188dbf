-- A record nested in another ({{parent}}): its parent's provider.
UPDATE {{table}} s
SET prov = p.prov
FROM {{parent}} p
WHERE s.prov IS NULL AND p.idx = s.pidx AND p.prov IS NOT NULL
