-- wrk script for benches/serve-load.sh: cycles through the kit's queries (queries.tsv,
-- `kind<TAB>query` lines) as GET /api/search requests, and prints percentiles and errors.
local queries = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    local q = line:match("^[^#][^\t]*\t(.+)$")
    if q then table.insert(queries, q) end
  end
  i = math.random(#queries)
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  i = i % #queries + 1
  return wrk.format("GET", "/api/search?q=" .. encode(queries[i]))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d in %.1f s; errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s %.2f ms\n", tostring(p), latency:percentile(p) / 1000))
  end
end
