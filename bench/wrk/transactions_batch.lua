-- wrk script: POST /api/v1/transactions:batch with BATCH (default 1000)
-- NDJSON transactions per request, unique ids per thread and request, over
-- ACCOUNTS (default 100000) accounts with a mix of types and amounts.
--
-- Event time follows a simulated clock that starts EVENT_DAYS (default 200)
-- days ago and advances so that each account makes about one payment a
-- day: the load compresses weeks of a bank's traffic into minutes without
-- making every account look like a burst. Each wrk thread drives its own
-- share of the accounts (thread 1 the first half, ...), payments staying
-- within the share: wrk threads issue requests at slightly different
-- rates, and with shared accounts their clocks would drift apart until one
-- thread's payments were days older than the other's for the same account
-- (late for its windows). Within a thread, requests in flight overlap by
-- at most a few of its steps (minutes of event time), well inside the
-- engine's hour of lateness.
--
-- The clock must not reach the present: payments would pile up at "now"
-- (a burst no real bank sends) or be refused as from the future. At 864 s
-- of event time per 1,000 payments over 100,000 accounts, 200 days last
-- 20 million payments, more than 5 minutes at this machine's rate; the
-- thread prints a warning if its clock gets there.
-- Environment: HAFNIUM_KEY (API key), BATCH, ACCOUNTS, EVENT_DAYS, THREADS
-- (wrk's -t).
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
  local accounts = tonumber(os.getenv("ACCOUNTS") or "100000")
  -- A thread's own state does not see the others: THREADS says how many
  -- share the accounts (the -t given to wrk).
  share = math.floor(accounts / tonumber(os.getenv("THREADS") or "1"))
  first = (thread_id - 1) * share
  key = os.getenv("HAFNIUM_KEY")
  types = {"transfer", "card", "card", "ach", "ach", "wire", "cash_deposit", "cheque"}
  run = os.time()
  clock = os.time() - tonumber(os.getenv("EVENT_DAYS") or "200") * 86400
  -- Event time per request: one payment a day per account of the share.
  step = batch * 86400 / share
  warned = false
end

function request()
  counter = counter + 1
  clock = clock + step
  if clock > os.time() then
    clock = os.time()
    if not warned then
      print("warning: thread " .. thread_id .. "'s simulated clock reached the present; raise EVENT_DAYS")
      warned = true
    end
  end
  local lines = {}
  for i = 1, batch do
    local now = os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(clock - step + math.random() * step))
    local d = math.random(share) - 1
    local c = math.random(4) > 1 and ((d * 7919 + math.random(5) * 104729) % share) or (math.random(share) - 1)
    local cents = math.floor(math.exp(math.log(25000) + 1.2 * (math.random() + math.random() + math.random() - 1.5)))
    lines[i] = string.format('{"id":"w%d-%d-%d-%d","occurred_at":"%s","amount":"%d.%02d","currency":"USD","type":"%s","debtor":{"account_id":"A%d"},"creditor":{"account_id":"A%d"}}',
      run, thread_id, counter, i, now, math.floor(cents / 100), cents % 100, types[math.random(#types)], first + d, first + c)
  end
  return wrk.format("POST", "/api/v1/transactions:batch",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/x-ndjson"}, table.concat(lines, "\n"))
end

function response(status, headers, body)
  if status ~= 200 then
    print("status " .. status .. ": " .. string.sub(body, 1, 200))
  end
end
