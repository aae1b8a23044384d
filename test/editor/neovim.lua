-- Neovim (0.7+) as a second LSP client nobody here wrote: starts the StatusLens server over
-- stdio on an nginx file, waits for diagnostics, asks for a hover and for code actions, applies
-- the quick fix, and writes what it saw as JSON for test/editor/neovim.test.ts to judge.
-- Only APIs that exist in Neovim 0.7: vim.lsp.start_client, buf_attach_client,
-- buf_request_sync, vim.diagnostic.get, vim.lsp.diagnostic.get_line_diagnostics.
--
--   STATUSLENS_SERVER=dist/server.js STATUSLENS_FILE=nginx.conf STATUSLENS_RESULT=out.json \
--     nvim --headless -u NONE -i NONE -n -c 'luafile test/editor/neovim.lua'

local server = assert(os.getenv('STATUSLENS_SERVER'), 'STATUSLENS_SERVER not set')
local file = assert(os.getenv('STATUSLENS_FILE'), 'STATUSLENS_FILE not set')
local out = assert(os.getenv('STATUSLENS_RESULT'), 'STATUSLENS_RESULT not set')
local FIX = 'Move `deny all;` after the last allow'

local result = { nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch }
local t0 = vim.loop.hrtime()
local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end

local function write_result()
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
end

-- First line (0-based) containing `needle`, and the byte column of `needle` in it.
local function find(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then return i - 1, col - 1 end
  end
  error('not in the buffer: ' .. needle)
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'nginx'

  local client_id = vim.lsp.start_client({
    name = 'statuslens',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  assert(client_id, 'vim.lsp.start_client returned nil')
  assert(vim.lsp.buf_attach_client(buf, client_id), 'buf_attach_client failed')
  local initialized = vim.wait(15000, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end, 20)
  assert(initialized, 'the server did not finish initialize within 15 s')
  local client = vim.lsp.get_client_by_id(client_id)
  local caps = client.server_capabilities or {}
  result.hoverProvider = caps.hoverProvider == true
  result.codeActionProvider = caps.codeActionProvider ~= nil and caps.codeActionProvider ~= false
  result.initializedMs = ms()

  -- Diagnostics arrive by textDocument/publishDiagnostics after didOpen.
  local got = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  assert(got, 'no diagnostics within 15 s')
  result.diagnosticsMs = ms()
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(result.diagnostics, {
      line = d.lnum,
      col = d.col,
      severity = d.severity,
      source = d.source,
      code = d.code or lsp.code,
      message = d.message,
    })
  end

  -- Hover on the 403 of `return 403;`.
  local line, col = find(buf, 'return 403;')
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col + #'return 4' } }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000) or {}
  local hover = (responses[client_id] or {}).result
  result.hover = ''
  if hover and hover.contents then
    local c = hover.contents
    result.hover = type(c) == 'string' and c or (c.value or '')
  end
  result.hoverRange = hover and hover.range or vim.NIL

  -- Code actions on the unreachable allow, with the line's diagnostics as context (what
  -- vim.lsp.buf.code_action() sends in 0.7).
  local aline, acol = find(buf, 'allow 127.0.0.1;')
  local context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, aline) }
  local range = { start = { line = aline, character = acol }, ['end'] = { line = aline, character = acol } }
  responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', { textDocument = params.textDocument, range = range, context = context }, 10000) or {}
  local actions = (responses[client_id] or {}).result or {}
  result.contextDiagnostics = #context.diagnostics
  result.codeActions = {}
  local fix
  for _, a in ipairs(actions) do
    table.insert(result.codeActions, { title = a.title, kind = a.kind or vim.NIL, isPreferred = a.isPreferred == true })
    if a.title == FIX then fix = a end
  end

  -- Apply the fix the way Neovim applies any workspace edit.
  if fix and fix.edit then
    vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding or 'utf-16')
    result.linesAfterFix = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  end

  vim.lsp.stop_client(client_id)
  result.totalMs = ms()
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
write_result()
vim.cmd('qa!')
