-- wrk script for the scale stage: cycle through the paths listed in a file (first argument),
-- one per line; a path starting with "!" is sent with the cookie given as second argument
-- (a signed-in reader's session). Each wrk thread starts at a different place in the list.
local paths = {}
local cookie = ""
local position = 0

function init(args)
  local listing = io.open(args[1], "r")
  for line in listing:lines() do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  listing:close()
  cookie = args[2] or ""
  position = math.random(#paths)
end

function request()
  position = position % #paths + 1
  local path = paths[position]
  if string.sub(path, 1, 1) == "!" then
    return wrk.format("GET", string.sub(path, 2), { ["Cookie"] = cookie })
  end
  return wrk.format("GET", path)
end
