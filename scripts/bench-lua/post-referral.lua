-- wrk -s scripts/bench-lua/post-referral.lua URL -- TOKEN
-- POST /v1/referrals from the public (no school checks), a different child each request: a common
-- first name; a common last name one request in three (so that known children of the same name come
-- back as matches, and their cases and schools are looked up), else one made of syllables, unique
-- per request (32,000 per thread and run); a date of birth at random over school ages. Matching then
-- compares each with the children of two birth dates (the date and its day-month swap) and of the
-- same name, as for a real referral. Counts the responses that list at least one match.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local headers, n, salt = {}, 0, 0
local firsts = { "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Ivy", "Leo", "Lily", "Oscar",
  "Freya", "Charlie", "Florence", "Muhammad", "Aisha", "Zoë", "Chloé", "Seán", "Niamh", "Kacper", "Zuzanna", "Ahmed",
  "Fatima", "Dylan", "Grace", "Mason", "Ruby" }
local syl = { "ab", "ar", "bel", "bro", "cal", "dan", "del", "el", "fen", "gar", "hal", "har", "id", "jan", "kel", "lan", "lo",
  "mar", "mel", "nor", "ol", "pen", "qui", "ra", "ros", "sal", "sel", "tam", "ter", "ul", "val", "ven", "wal", "wil", "xa",
  "yor", "za", "zel", "an", "or" }
local ends = { "ton", "by", "ley", "son", "well", "ford", "wood", "field", "ham", "more", "man", "er", "ett", "ock", "en",
  "is", "ini", "ova", "ski", "ez" }
local lasts = { "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
  "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke",
  "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
  "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Khan", "Singh", "Begum", "Ali", "Hussain", "O'Brien-Smith",
  "Nowak", "Kowalski" }

function init(args)
  headers = { ["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json" }
  salt = os.time() + 7919 * (thread_number or 0)
  math.randomseed(salt)
end

function request()
  local k = (n + salt) % 32000
  n = n + 1
  local last = syl[1 + k % 40]:upper():sub(1, 1) .. syl[1 + k % 40]:sub(2) .. syl[1 + math.floor(k / 40) % 40]
    .. ends[1 + math.floor(k / 1600) % 20]
  if n % 3 == 0 then last = lasts[math.random(#lasts)] end
  -- born in 2011-2020 (day 1-28 of any month): of compulsory school age in the school year 2026-27
  local year = 2011 + math.random(0, 9)
  local dob = string.format("%04d-%02d-%02d", year, math.random(1, 12), math.random(1, 28))
  local body = string.format('{"source":{"kind":"public","name":"A neighbour","phone":"01709 000000"},'
    .. '"child":{"first_name":"%s","last_name":"%s","date_of_birth":"%s","gender":"unknown",'
    .. '"address":{"line1":"%d Bench Street","town":"Rotherham","postcode":"S60 %d%s"}},'
    .. '"parents":[{"name":"Parent of %s","relationship":"mother"}],'
    .. '"reason":"left_area_unknown","reason_detail":"Family seen moving out; not known where."}',
    firsts[math.random(#firsts)], last, dob, 1 + k % 200, k % 10, string.char(65 + k % 26) .. "B", last)
  return wrk.format("POST", "/v1/referrals", headers, body)
end

matched = 0
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 and not body:find('"matches":[]', 1, true) then matched = matched + 1 end
end
