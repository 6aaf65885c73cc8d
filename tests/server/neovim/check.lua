-- Neovim's built-in LSP client (0.7+) against the PTX server over stdio: open a spec, wait for diagnostics,
-- ask for completion, hover and code lenses, and write what came back as JSON for the test to check.
-- Inputs come from the environment: PTX_SERVER, PTX_FILE, PTX_OUT, PTX_COMPLETION_AT and PTX_HOVER_AT
-- ("line:character", 0-based).
local function position(var)
  local line, character = string.match(os.getenv(var), '^(%d+):(%d+)$')
  return { line = tonumber(line), character = tonumber(character) }
end

local function labels(result)
  local items = result and (result.items or result) or {}
  local out = {}
  for _, item in ipairs(items) do table.insert(out, item.label) end
  return out
end

local function first_result(responses)
  for _, r in pairs(responses or {}) do
    if r.error then error('LSP error: ' .. vim.inspect(r.error)) end
    return r.result
  end
  return nil
end

local ok, err = pcall(function()
  local file = os.getenv('PTX_FILE')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'ptx',
    cmd = { 'node', os.getenv('PTX_SERVER'), '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  assert(client_id, 'vim.lsp.start_client failed')
  assert(vim.lsp.buf_attach_client(buf, client_id), 'buf_attach_client failed')
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20), 'no diagnostics within 20 s')

  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(codes, d.code or lsp.code or '?')
  end

  local doc = vim.lsp.util.make_text_document_params(buf)
  local completion = first_result(vim.lsp.buf_request_sync(buf, 'textDocument/completion', { textDocument = doc, position = position('PTX_COMPLETION_AT') }, 10000))
  local hover = first_result(vim.lsp.buf_request_sync(buf, 'textDocument/hover', { textDocument = doc, position = position('PTX_HOVER_AT') }, 10000))
  local lenses = first_result(vim.lsp.buf_request_sync(buf, 'textDocument/codeLens', { textDocument = doc }, 10000))
  local lens_titles = {}
  for _, l in ipairs(lenses or {}) do table.insert(lens_titles, l.command and l.command.title or '?') end

  local hover_text = ''
  if hover and hover.contents then
    hover_text = type(hover.contents) == 'string' and hover.contents or (hover.contents.value or vim.inspect(hover.contents))
  end
  local json = vim.fn.json_encode({ codes = codes, completion = labels(completion), hover = hover_text, lenses = lens_titles })
  vim.fn.writefile({ json }, os.getenv('PTX_OUT'))
  vim.lsp.stop_client(client_id)
end)

if ok then
  vim.cmd('qall!')
else
  io.stderr:write('neovim check failed: ' .. tostring(err) .. '\n')
  vim.cmd('cquit 3')
end
