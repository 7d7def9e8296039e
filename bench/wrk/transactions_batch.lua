-- wrk script: POST /api/v1/transactions:batch with BATCH (default 1000)
-- NDJSON transactions per request, unique ids per thread and request, over
-- ACCOUNTS (default 100000) accounts with a mix of types and amounts.
-- Event time follows a simulated clock that starts 90 days ago and advances
-- so that each account makes about one payment a day (864 s of event time
-- per 1,000 payments over 100,000 accounts): the load compresses weeks of a
-- bank's traffic into minutes without making every account look like a
-- burst. Environment: HAFNIUM_KEY (API key), BATCH, ACCOUNTS.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
  math.randomseed(os.time() * 1000 + thread_id)
  batch = tonumber(os.getenv("BATCH") or "1000")
  accounts = tonumber(os.getenv("ACCOUNTS") or "100000")
  key = os.getenv("HAFNIUM_KEY")
  types = {"transfer", "card", "card", "ach", "ach", "wire", "cash_deposit", "cheque"}
  run = os.time()
  clock = os.time() - 90 * 86400
  step = batch * 86400 / accounts
end

function request()
  counter = counter + 1
  -- Each thread's clock advances by its share of the simulated time.
  clock = math.min(clock + step * 2, os.time())
  local lines = {}
  for i = 1, batch do
    local now = os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(clock - step * 2 + math.random() * step * 2))
    local d = math.random(accounts)
    local c = math.random(4) > 1 and ((d * 7919 + math.random(5) * 104729) % accounts) or math.random(accounts)
    local cents = math.floor(math.exp(math.log(25000) + 1.2 * (math.random() + math.random() + math.random() - 1.5)))
    lines[i] = string.format('{"id":"w%d-%d-%d-%d","occurred_at":"%s","amount":"%d.%02d","currency":"USD","type":"%s","debtor":{"account_id":"A%d"},"creditor":{"account_id":"A%d"}}',
      run, thread_id, counter, i, now, math.floor(cents / 100), cents % 100, types[math.random(#types)], d, c)
  end
  return wrk.format("POST", "/api/v1/transactions:batch",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/x-ndjson"}, table.concat(lines, "\n"))
end

function response(status, headers, body)
  if status ~= 200 then
    print("status " .. status .. ": " .. string.sub(body, 1, 200))
  end
end
