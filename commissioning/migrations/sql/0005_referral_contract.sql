-- A referral's contract is its person's whenever it has a person: writers that know only the person
-- (the bundle import, which names the person and not the contract) leave it to these triggers.
-- ENABLE ALWAYS, so they also fire on the bundle's first load (session_replication_role = replica).
-- Idempotent.
CREATE OR REPLACE FUNCTION commissioning_referral_contract_from_person() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.person_id IS NOT NULL THEN
        SELECT p.contract_id INTO NEW.contract_id FROM outcomes_person p WHERE p.id = NEW.person_id;
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS referral_contract_from_person ON commissioning_referral;
CREATE TRIGGER referral_contract_from_person
    BEFORE INSERT OR UPDATE OF person_id, contract_id ON commissioning_referral
    FOR EACH ROW EXECUTE FUNCTION commissioning_referral_contract_from_person();
ALTER TABLE commissioning_referral ENABLE ALWAYS TRIGGER referral_contract_from_person;

-- A person moved to another contract takes their referrals with them.
CREATE OR REPLACE FUNCTION commissioning_referral_follow_person() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE commissioning_referral r SET contract_id = n.contract_id
    FROM new_people n JOIN old_people o ON o.id = n.id
    WHERE r.person_id = n.id AND n.contract_id IS DISTINCT FROM o.contract_id;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS referral_follow_person ON outcomes_person;
CREATE TRIGGER referral_follow_person
    AFTER UPDATE ON outcomes_person
    REFERENCING OLD TABLE AS old_people NEW TABLE AS new_people
    FOR EACH STATEMENT EXECUTE FUNCTION commissioning_referral_follow_person();
ALTER TABLE outcomes_person ENABLE ALWAYS TRIGGER referral_follow_person;
