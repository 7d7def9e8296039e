-- wrk script: POST /api/v1/transactions, one transaction per request with a
-- unique id, at the present time. Its accounts (S1...) are not the batch
-- load's (A1...): payments at the present would make the batch load's
-- simulated past late for every window of the accounts they touch.
-- Environment: HAFNIUM_KEY, ACCOUNTS (default 100000).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  accounts = tonumber(os.getenv("ACCOUNTS") or "100000")
  key = os.getenv("HAFNIUM_KEY")
  run = os.time()
end

function request()
  counter = counter + 1
  local d = math.random(accounts)
  local body = string.format('{"id":"s%d-%d-%d","occurred_at":"%s","amount":"%d.00","currency":"USD","type":"ach","debtor":{"account_id":"S%d"},"creditor":{"account_id":"S%d"}}',
    run, id, counter, os.date("!%Y-%m-%dT%H:%M:%SZ"), math.random(5000), d, (d * 7919) % accounts)
  return wrk.format("POST", "/api/v1/transactions", {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 201 then print("status " .. status .. ": " .. string.sub(body, 1, 200)) end
end
