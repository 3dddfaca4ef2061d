-- Cycles through the paths given after `--`, so that one short run reaches every
-- endpoint: pools fill, templates compile and lazy imports happen before measuring.
local paths = {}
local next_path = 0

init = function(args)
  for _, path in ipairs(args) do
    paths[#paths + 1] = path
  end
end

request = function()
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end
