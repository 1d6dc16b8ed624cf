INSERT INTO bench_notices (id, la_code, type, school_urn, event_date, received_at, received_on, child_id, pupil, parents, actions)
VALUES (gen_random_uuid(), '372', 'addition', '990001', date '2026-11-02', now(), current_date, gen_random_uuid(),
        '{"first_name": "Bench", "last_name": "Notice", "date_of_birth": "2015-04-12", "upn": null, "gender": null, "address": null}',
        '[]', '[]');
