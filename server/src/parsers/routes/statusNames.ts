/**
 * Symbolic status names, resolved to numbers. Every framework spells the reason phrase its own
 * way (`HTTP_403_FORBIDDEN`, `http.StatusForbidden`, `Response::HTTP_FORBIDDEN`, `:forbidden`,
 * `HttpStatus.FORBIDDEN`, `StatusCodes.FORBIDDEN`, `ForbiddenException`); once case and
 * underscores are dropped they are the same word, so one table of normalised names serves all.
 */

/** IANA registry phrases (RFC 9110 and friends) plus the older or framework-specific spellings. */
const NAMES: [number, string[]][] = [
  [100, ['Continue']],
  [101, ['Switching Protocols']],
  [102, ['Processing']],
  [103, ['Early Hints', 'EarlyHints']],
  [200, ['OK']],
  [201, ['Created']],
  [202, ['Accepted']],
  [203, ['Non-Authoritative Information', 'Non Authoritative Info']],
  [204, ['No Content']],
  [205, ['Reset Content']],
  [206, ['Partial Content']],
  [207, ['Multi-Status']],
  [208, ['Already Reported']],
  [226, ['IM Used']],
  [300, ['Multiple Choices', 'Ambiguous']],
  [301, ['Moved Permanently']],
  [302, ['Found', 'Moved Temporarily']],
  [303, ['See Other']],
  [304, ['Not Modified']],
  [305, ['Use Proxy']],
  [307, ['Temporary Redirect']],
  [308, ['Permanent Redirect', 'Permanently Redirect']],
  [400, ['Bad Request']],
  [401, ['Unauthorized']],
  [402, ['Payment Required']],
  [403, ['Forbidden']],
  [404, ['Not Found']],
  [405, ['Method Not Allowed']],
  [406, ['Not Acceptable']],
  [407, ['Proxy Authentication Required', 'Proxy Auth Required']],
  [408, ['Request Timeout']],
  [409, ['Conflict']],
  [410, ['Gone']],
  [411, ['Length Required']],
  [412, ['Precondition Failed']],
  [413, ['Content Too Large', 'Payload Too Large', 'Request Entity Too Large', 'Request Too Long']],
  [414, ['URI Too Long', 'Request URI Too Long']],
  [415, ['Unsupported Media Type']],
  [416, ['Range Not Satisfiable', 'Requested Range Not Satisfiable']],
  [417, ['Expectation Failed']],
  [418, ["I'm a teapot", 'I Am A Teapot', 'Teapot']],
  [421, ['Misdirected Request', 'Misdirected']],
  [422, ['Unprocessable Content', 'Unprocessable Entity']],
  [423, ['Locked']],
  [424, ['Failed Dependency']],
  [425, ['Too Early']],
  [426, ['Upgrade Required']],
  [428, ['Precondition Required']],
  [429, ['Too Many Requests']],
  [431, ['Request Header Fields Too Large']],
  [451, ['Unavailable For Legal Reasons']],
  [500, ['Internal Server Error']],
  [501, ['Not Implemented']],
  [502, ['Bad Gateway']],
  [503, ['Service Unavailable']],
  [504, ['Gateway Timeout']],
  [505, ['HTTP Version Not Supported']],
  [506, ['Variant Also Negotiates', 'Variant Also Negotiates Experimental']],
  [507, ['Insufficient Storage']],
  [508, ['Loop Detected']],
  [510, ['Not Extended']],
  [511, ['Network Authentication Required']],
];

/** `Too Many Requests`, `TOO_MANY_REQUESTS`, `TooManyRequests`, `too_many_requests` → `TOOMANYREQUESTS`. */
export function normaliseName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const BY_NAME = new Map<string, number>();
for (const [code, names] of NAMES) for (const n of names) BY_NAME.set(normaliseName(n), code);

/** The code of a reason phrase in any spelling, e.g. `unprocessable_entity` → 422. */
export function codeForName(name: string): number | undefined {
  return BY_NAME.get(normaliseName(name));
}

/** Whether a number can be a status code a server sends (RFC 9110 §15: three digits, 1xx-5xx). */
export function isStatusNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 100 && n <= 599;
}

/** The registry phrase of a code: `Forbidden`, `Too Many Requests`. */
export function phraseFor(code: number): string | undefined {
  return NAMES.find(([c]) => c === code)?.[1][0];
}

/** The words of the registry phrase, for re-spelling a name in a framework's style. */
function phraseWords(code: number): string[] | undefined {
  const phrase = phraseFor(code);
  return phrase?.replace(/'/g, '').split(/[\s-]+/);
}

export type NameStyle = 'UPPER_SNAKE' | 'PascalCase' | 'snake_case';

/** A reason phrase in a naming style: 401 → `UNAUTHORIZED`, `Unauthorized`, `unauthorized`. */
export function spellName(code: number, style: NameStyle): string | undefined {
  const words = phraseWords(code);
  if (!words) return undefined;
  switch (style) {
    case 'UPPER_SNAKE':
      return words.map((w) => w.toUpperCase()).join('_');
    case 'snake_case':
      return words.map((w) => w.toLowerCase()).join('_');
    case 'PascalCase':
      return words.map((w) => (w.length <= 3 && w === w.toUpperCase() ? w : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
  }
}

/** Parses a numeric literal as written in source (`403`, `0x193` is not a status anyone writes). */
export function statusFromLiteral(raw: string): number | undefined {
  if (!/^\d{3}$/.test(raw)) return undefined;
  const n = Number(raw);
  return isStatusNumber(n) ? n : undefined;
}

/**
 * A symbolic constant, by the prefix conventions of each ecosystem:
 *   Go `StatusForbidden`, Python/DRF/Starlette `HTTP_403_FORBIDDEN`, Symfony/Laravel `HTTP_FORBIDDEN`.
 * Bare names (`FORBIDDEN`, `:forbidden`) go through codeForName where the context makes them a status.
 */
export function codeForPrefixedName(name: string): number | undefined {
  const numbered = /^HTTP_(\d{3})(?:_[A-Z0-9_]+)?$/.exec(name);
  if (numbered) {
    const n = Number(numbered[1]);
    return isStatusNumber(n) ? n : undefined;
  }
  if (/^HTTP_[A-Z_]+$/.test(name)) return codeForName(name.slice(5));
  if (/^Status[A-Z]/.test(name)) return codeForName(name.slice(6));
  return undefined;
}
