-- wrk script: cycles over the 50 controllers' paths with the method and headers given in
-- BENCH_METHOD and BENCH_HEADERS ("name: value" lines). Written by bench/http/load.mjs's caller.
local method = os.getenv("BENCH_METHOD") or "GET"
local count = tonumber(os.getenv("BENCH_CONTROLLERS") or "50")
local raw = os.getenv("BENCH_HEADERS") or ""
local requests = {}
local i = 0

init = function(args)
  local headers = { ["Host"] = wrk.host .. ":" .. wrk.port }
  for line in string.gmatch(raw, "[^\n]+") do
    local k, v = string.match(line, "^([^:]+):%s*(.*)$")
    if k then headers[k] = v end
  end
  for c = 0, count - 1 do
    requests[#requests + 1] = wrk.format(method, "/c" .. c .. "/items", headers)
  end
end

request = function()
  i = i % #requests + 1
  return requests[i]
end
