-- wrk script for bench/http.sh: single-event POST /v1/events over keep-alive, each request with an
-- id of its own (thread number and counter), so each answer is a new event committed.
-- The token is read from $BENCH_TOKEN; BENCH_BODY=alertmanager posts an Alertmanager alert instead.
-- `thread_id` is set in each thread's own Lua state by setup() (a global: a local would shadow it).
local counter = 0
local threads = {}

function setup(thread)
    thread:set("thread_id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    token = os.getenv("BENCH_TOKEN") or ""
    kind = os.getenv("BENCH_BODY") or "tickler"
    run = os.getenv("BENCH_RUN") or "0"
end

function request()
    counter = counter + 1
    local id = "w" .. thread_id .. "-" .. counter .. "-" .. run
    local body
    if kind == "alertmanager" then
        body = '[{"labels":{"alertname":"callback","contact":"c' .. (counter % 1000 + 1) .. '","id":"' .. id .. '"}}]'
    else
        body = '{"contact":"c' .. string.format("%06d", counter % 1000 + 1) .. '","type":"purchase","id":"' .. id .. '"}'
    end
    return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
