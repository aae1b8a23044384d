/** Command ids: the contributed ones (package.json) and those only links and code actions run. */
import { CompareCommand, ExplainCommand, SHOW_DOCUMENTATION_COMMAND } from '../../server/src/protocol';

export const Commands = {
  explain403: 'statuslens.explain403',
  explainStatus: 'statuslens.explainStatus',
  explainAtCursor: 'statuslens.explainAtCursor',
  compare: CompareCommand,
  restartServer: 'statuslens.restartServer',
  showRuleDocumentation: SHOW_DOCUMENTATION_COMMAND,
  /** `explain(pageId, anchor?)`: hidden from the palette; hovers, code actions and the view link to it. */
  explain: ExplainCommand,
  /** The Explain view's "Back" link. */
  explainBack: 'statuslens.explainBack',
  /** `openPageMarkdown(pageId)`: the page's markdown as a read-only document. */
  openPageMarkdown: 'statuslens.openPageMarkdown',
  /** The walkthrough's "Try it on a sample config". */
  openSample: 'statuslens.openSample',
} as const;

/**
 * The only commands a `command:` link may run, in hovers and in the Explain view. Each takes
 * page ids as arguments and does nothing but show pages, so a crafted link cannot do harm.
 */
export const LINKABLE_COMMANDS: readonly string[] = [Commands.explain, Commands.compare, Commands.explainBack, Commands.openPageMarkdown];
