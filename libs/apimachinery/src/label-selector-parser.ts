// The string form of a label selector, parsed the way labels.Parse does it (lexer + recursive
// descent), so that accepted inputs and error messages match Kubernetes:
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ <set-based> | <exact-match> ]
//   <set-based>   ::= ("in" | "notin") "(" <values> ")"
//   <exact-match> ::= ("=" | "==" | "!=" | ">" | "<") VALUE
import {
  LabelSelectorError,
  compareStrings,
  newRequirement,
  type LabelSelector,
  type Requirement,
  type SelectorOperator,
} from './label-selector.js';
import { fieldErrors, fieldErrorText } from './field-error.js';
import { isQualifiedName } from './name-validation.js';

type TokenType =
  | 'error'
  | 'end'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  readonly type: TokenType;
  readonly literal: string;
}

const LITERAL_TOKENS: Readonly<Record<string, TokenType>> = {
  ')': 'closedPar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

const BINARY_OPERATORS_TEXT = 'in, notin, =, ==, !=, gt, lt';
/** Kubernetes' lexer treats a missing path option as a nil field.Path, printed `<nil>`. */
const NIL_PATH = '<nil>';

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  // Each loop iteration consumes at least one character or ends: bounded by input.length + 1.
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos] ?? '')) pos++;
    if (pos >= input.length) {
      tokens.push({ type: 'end', literal: '' });
      return tokens;
    }
    const start = pos;
    if (isSpecial(input[pos] ?? '')) {
      // Longest special-symbol run that still forms a token ("!=" but not "=(").
      let last: Token | undefined;
      while (pos < input.length && isSpecial(input[pos] ?? '')) {
        const candidate = LITERAL_TOKENS[input.slice(start, pos + 1)];
        if (candidate === undefined && last !== undefined) break;
        if (candidate !== undefined) last = { type: candidate, literal: input.slice(start, pos + 1) };
        pos++;
      }
      tokens.push(last ?? { type: 'error', literal: `error expected: keyword found '${input.slice(start, pos)}'` });
      continue;
    }
    while (pos < input.length && !isSpecial(input[pos] ?? '') && !isWhitespace(input[pos] ?? '')) pos++;
    const word = input.slice(start, pos);
    const keyword = LITERAL_TOKENS[word];
    tokens.push({ type: keyword ?? 'identifier', literal: word });
  }
}

type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  /** In a values context the words `in` and `notin` are plain identifiers ("x in (in)"). */
  lookahead(context: Context): Token {
    return this.adjust(this.tokens[Math.min(this.position, this.tokens.length - 1)], context);
  }

  consume(context: Context): Token {
    const token = this.lookahead(context);
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }

  private adjust(token: Token | undefined, context: Context): Token {
    const t = token ?? { type: 'end', literal: '' };
    if (context === 'values' && (t.type === 'in' || t.type === 'notIn')) return { type: 'identifier', literal: t.literal };
    return t;
  }
}

function fail(message: string): never {
  throw new LabelSelectorError(message);
}

/**
 * Parses `a=b,c in (x,y),!d`. Requirements come back sorted by key; the empty string selects
 * everything. Throws LabelSelectorError with Kubernetes' message on bad syntax.
 */
export function parseLabelSelector(input: string): LabelSelector {
  const parser = new Parser(tokenize(input));
  const requirements: Requirement[] = [];
  // Each requirement consumes at least one token; tokens are finite.
  for (;;) {
    const next = parser.lookahead('values');
    if (next.type === 'end') break;
    if (next.type !== 'identifier' && next.type !== 'doesNotExist') {
      fail(`found '${next.literal}', expected: !, identifier, or 'end of string'`);
    }
    requirements.push(parseRequirementOrFail(parser));
    const after = parser.consume('values');
    if (after.type === 'end') break;
    if (after.type !== 'comma') fail(`found '${after.literal}', expected: ',' or 'end of string'`);
    const following = parser.lookahead('values');
    if (following.type !== 'identifier' && following.type !== 'doesNotExist') {
      fail(`found '${following.literal}', expected: identifier after ','`);
    }
  }
  const sorted = requirements
    .map((r, i) => ({ r, i }))
    .sort((a, b) => compareStrings(a.r.key, b.r.key) || a.i - b.i)
    .map(({ r }) => r);
  return { type: 'requirements', requirements: sorted };
}

function parseRequirementOrFail(parser: Parser): Requirement {
  try {
    return parseRequirement(parser);
  } catch (error) {
    if (error instanceof LabelSelectorError) fail(`unable to parse requirement: ${error.message}`);
    throw error;
  }
}

function parseRequirement(parser: Parser): Requirement {
  const { key, operator: inferred } = parseKeyAndInferOperator(parser);
  if (inferred !== undefined) return newRequirement(key, inferred, []);
  const operator = parseOperator(parser);
  const values = operator === 'in' || operator === 'notin' ? parseValues(parser) : parseExactValue(parser);
  return newRequirement(key, operator, [...values].sort(compareStrings));
}

function parseKeyAndInferOperator(parser: Parser): { key: string; operator: SelectorOperator | undefined } {
  let token = parser.consume('values');
  let operator: SelectorOperator | undefined;
  if (token.type === 'doesNotExist') {
    operator = '!';
    token = parser.consume('values');
  }
  if (token.type !== 'identifier') fail(`found '${token.literal}', expected: identifier`);
  const keyErrors = isQualifiedName(token.literal);
  if (keyErrors.length > 0) fail(fieldErrorText(fieldErrors.invalid(NIL_PATH, token.literal, keyErrors.join('; '))));
  const next = parser.lookahead('values');
  if ((next.type === 'end' || next.type === 'comma') && operator === undefined) operator = 'exists';
  return { key: token.literal, operator };
}

const OPERATOR_BY_TOKEN: Partial<Record<TokenType, SelectorOperator>> = {
  in: 'in',
  equals: '=',
  doubleEquals: '==',
  greaterThan: 'gt',
  lessThan: 'lt',
  notIn: 'notin',
  notEquals: '!=',
};

function parseOperator(parser: Parser): SelectorOperator {
  const token = parser.consume('keyAndOperator');
  const operator = OPERATOR_BY_TOKEN[token.type];
  if (operator === undefined) fail(`found '${token.literal}', expected: ${BINARY_OPERATORS_TEXT}`);
  return operator;
}

function parseValues(parser: Parser): Set<string> {
  const open = parser.consume('values');
  if (open.type !== 'openPar') fail(`found '${open.literal}' expected: '('`);
  const next = parser.lookahead('values');
  if (next.type === 'closedPar') {
    parser.consume('values');
    return new Set(['']);
  }
  if (next.type !== 'identifier' && next.type !== 'comma') fail(`found '${next.literal}', expected: ',', ')' or identifier`);
  const values = parseIdentifiersList(parser);
  if (parser.consume('values').type !== 'closedPar') fail(`found '${next.literal}', expected: ')'`);
  return values;
}

/** A comma-separated list of possibly empty identifiers: "(a,,b)" holds "", "a" and "b". */
function parseIdentifiersList(parser: Parser): Set<string> {
  const values = new Set<string>();
  for (;;) {
    const token = parser.consume('values');
    if (token.type === 'identifier') {
      values.add(token.literal);
      const next = parser.lookahead('values');
      if (next.type === 'comma') continue;
      if (next.type === 'closedPar') return values;
      fail(`found '${next.literal}', expected: ',' or ')'`);
    }
    if (token.type !== 'comma') fail(`found '${token.literal}', expected: ',', or identifier`);
    if (values.size === 0) values.add('');
    const next = parser.lookahead('values');
    if (next.type === 'closedPar') {
      values.add('');
      return values;
    }
    if (next.type === 'comma') {
      parser.consume('values');
      values.add('');
    }
  }
}

function parseExactValue(parser: Parser): Set<string> {
  const next = parser.lookahead('values');
  if (next.type === 'end' || next.type === 'comma') return new Set(['']);
  const token = parser.consume('values');
  if (token.type === 'identifier') return new Set([token.literal]);
  fail(`found '${token.literal}', expected: identifier`);
}
