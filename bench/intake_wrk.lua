-- wrk script of bench/intake.py. Arguments: <requests file or "-"> <threads>.
-- With a file, each thread cycles through its share of the pre-signed requests (one per
-- line: path, webhook-id, webhook-timestamp, webhook-signature, body, tab-separated);
-- with "-", wrk's own request (GET of the URL's path). `done` prints one JSON line.
local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

local prepared = {}
local position = 0

function init(args)
  local path, threads = args[1], tonumber(args[2])
  if path == "-" then return end
  local line_number = 0
  for line in io.lines(path) do
    if line_number % threads == thread_index then
      local target, id, stamp, signature, body =
        line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      prepared[#prepared + 1] = wrk.format("POST", target, {
        ["webhook-id"] = id,
        ["webhook-timestamp"] = stamp,
        ["webhook-signature"] = signature,
        ["content-type"] = "application/json",
      }, body)
    end
    line_number = line_number + 1
  end
end

function request()
  if #prepared == 0 then return wrk.request() end
  position = position % #prepared + 1
  return prepared[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
