\set id random(1, 100000)
SELECT id, la_code, reference, status, opened_at FROM bench_cases WHERE id = :id;
