-- 0004: exact name lookups for child search. With a date of birth, candidates come from the date
-- (and its day-month swap); a child whose name matches exactly under another date comes from this
-- index (last name, and first name when given); the trigram index serves fuzzy last names only when
-- no date of birth is given.
CREATE INDEX children_name_keys ON children (la_code, last_name_key, first_name_key);
