/** The server's `statuslens/symbolAt`: the status or directive at a position, as the server parses it. */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SymbolAtRequest, type SymbolAtParams } from '../../server/src/protocol';
import type { SymbolAt } from '../../server/src/types';

/** The symbol at `position`, or null (none there, or the request failed). */
export function symbolAt(client: LanguageClient, document: vscode.TextDocument, position: vscode.Position, token?: vscode.CancellationToken): Promise<SymbolAt | null> {
  const params: SymbolAtParams = { uri: client.code2ProtocolConverter.asUri(document.uri), position };
  // A token only when there is one: an explicit `undefined` would go out as a second parameter.
  const answer = token ? client.sendRequest<SymbolAt | null>(SymbolAtRequest, params, token) : client.sendRequest<SymbolAt | null>(SymbolAtRequest, params);
  return answer.catch(() => null);
}
