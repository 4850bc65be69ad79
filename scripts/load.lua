-- wrk script: single-name POST /v1/screen requests, names drawn in turn
-- from a file of one name a line (NAMES env var, default names.txt).
-- Usage: wrk -t2 -c16 -d15s --latency -s scripts/load.lua http://127.0.0.1:8080
local path = os.getenv("NAMES") or "names.txt"
local names = {}
for line in io.lines(path) do
  if #line > 0 then names[#names + 1] = line:gsub('\\', '\\\\'):gsub('"', '\\"') end
end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #names + 1
  return wrk.format(nil, "/v1/screen", nil, '{"queries":[{"id":"q","name":"' .. names[i] .. '"}]}')
end
