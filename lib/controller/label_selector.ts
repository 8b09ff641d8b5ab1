/**
 * Label selectors in the API server's string syntax, matched in memory (cache lists).
 *
 * @module
 */

/**
 * A label selector that cannot be parsed; the message names the problem and where it is.
 *
 * @example
 * ```ts
 * import { LabelSelectorError, parseLabelSelector } from "@staircase/staircase/controller";
 *
 * try {
 *   parseLabelSelector("app in (web");
 * } catch (error) {
 *   console.log(error instanceof LabelSelectorError); // true
 * }
 * ```
 */
export class LabelSelectorError extends Error {
  /** The selector that failed to parse. */
  readonly selector: string;

  /**
   * Creates the error.
   *
   * @param selector The selector.
   * @param problem What is wrong.
   */
  constructor(selector: string, problem: string) {
    super(`label selector ${JSON.stringify(selector.slice(0, 200))}: ${problem}`);
    this.name = "LabelSelectorError";
    this.selector = selector;
  }
}

type Operator = "=" | "!=" | "in" | "notin" | "exists" | "!" | ">" | "<";

interface Requirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: readonly string[];
}

/**
 * A parsed label selector.
 *
 * @example
 * ```ts
 * import { parseLabelSelector } from "@staircase/staircase/controller";
 *
 * const selector = parseLabelSelector("app=web,tier notin (db),!legacy");
 * console.log(selector.matches({ app: "web", tier: "frontend" })); // true
 * console.log(selector.matches({ app: "web", legacy: "yes" })); // false
 * ```
 */
export interface LabelSelector {
  /** Whether `labels` satisfy every requirement (an empty selector matches everything). */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True when the selector has no requirement. */
  readonly empty: boolean;
}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const TOKEN = /\s*(==|!=|=|\(|\)|,|!|>|<|[^\s=!(),<>]+)/y;

function tokenize(selector: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < selector.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(selector);
    if (!match) {
      if (selector.slice(start).trim() === "") break;
      throw new LabelSelectorError(selector, `unexpected character at position ${start}`);
    }
    tokens.push(match[1]);
  }
  return tokens;
}

function parseString(selector: string): Requirement[] {
  const tokens = tokenize(selector);
  const requirements: Requirement[] = [];
  let i = 0;
  const fail = (problem: string): never => {
    throw new LabelSelectorError(selector, problem);
  };
  const key = (token: string | undefined): string => {
    if (token === undefined || !KEY.test(token) || token.length > 316) {
      fail(`${JSON.stringify(token ?? "")} is not a valid label key`);
    }
    return token!;
  };
  const value = (token: string | undefined): string => {
    if (token === undefined || !VALUE.test(token) || token.length > 63) {
      fail(`${JSON.stringify(token ?? "")} is not a valid label value`);
    }
    return token!;
  };
  while (i < tokens.length) {
    if (tokens[i] === "!") {
      requirements.push({ key: key(tokens[i + 1]), op: "!", values: [] });
      i += 2;
    } else {
      const k = key(tokens[i]);
      const op = tokens[i + 1];
      if (op === undefined || op === ",") {
        requirements.push({ key: k, op: "exists", values: [] });
        i += 1;
      } else if (op === "=" || op === "==" || op === "!=") {
        // An empty value (`a=`) is allowed: it matches an empty label value.
        const next = tokens[i + 2];
        const v = next === undefined || next === "," ? "" : value(next);
        requirements.push({ key: k, op: op === "!=" ? "!=" : "=", values: [v] });
        i += next === undefined || next === "," ? 2 : 3;
      } else if (op === ">" || op === "<") {
        const v = tokens[i + 2];
        if (v === undefined || !/^-?[0-9]+$/.test(v)) fail(`${op} needs an integer value`);
        requirements.push({ key: k, op, values: [v!] });
        i += 3;
      } else if (op === "in" || op === "notin") {
        if (tokens[i + 2] !== "(") fail(`"${op}" must be followed by "("`);
        const values: string[] = [];
        i += 3;
        while (tokens[i] !== ")") {
          if (i >= tokens.length) fail(`"${op} (" is not closed with ")"`);
          if (tokens[i] === ",") {
            i++;
            continue;
          }
          values.push(value(tokens[i]));
          i++;
        }
        if (values.length === 0 && op === "in") fail(`"in ()" needs at least one value`);
        requirements.push({ key: k, op, values });
        i++;
      } else {
        fail(`unexpected ${JSON.stringify(op)} after key "${k}"`);
      }
    }
    if (i < tokens.length) {
      if (tokens[i] !== ",") fail(`expected "," before ${JSON.stringify(tokens[i])}`);
      i++;
      if (i === tokens.length) fail("a trailing comma");
    }
  }
  return requirements;
}

function test(r: Requirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.op) {
    case "=":
      return has && v === r.values[0];
    case "!=":
      return !has || v !== r.values[0];
    case "in":
      return has && r.values.includes(v!);
    case "notin":
      return !has || !r.values.includes(v!);
    case "exists":
      return has;
    case "!":
      return !has;
    case ">":
    case "<": {
      if (!has || !/^-?[0-9]+$/.test(v!)) return false;
      const diff = Number(v) - Number(r.values[0]);
      return r.op === ">" ? diff > 0 : diff < 0;
    }
  }
}

/**
 * Parses a label selector: a string in the API server's syntax (`app=web`, `app==web`,
 * `tier!=db`, `env in (a,b)`, `env notin (c)`, `legacy`, `!legacy`, `replicas>2`), joined by
 * commas, or an equality map (`{ app: "web" }`, every pair must match).
 *
 * @param selector The selector; `""` and `{}` match everything.
 * @returns The parsed selector.
 * @throws {LabelSelectorError} If the string is not a valid selector.
 *
 * @example
 * ```ts
 * import { parseLabelSelector } from "@staircase/staircase/controller";
 *
 * console.log(parseLabelSelector({ app: "web" }).matches({ app: "web", tier: "a" })); // true
 * console.log(parseLabelSelector("env in (a,b)").matches({ env: "c" })); // false
 * ```
 */
export function parseLabelSelector(
  selector: string | Readonly<Record<string, string>>,
): LabelSelector {
  let requirements: Requirement[];
  if (typeof selector === "string") {
    requirements = parseString(selector);
  } else if (typeof selector === "object" && selector !== null) {
    requirements = Object.entries(selector).map(([key, value]) => {
      if (typeof value !== "string") {
        throw new LabelSelectorError(JSON.stringify(selector), `label "${key}" is not a string`);
      }
      return { key, op: "=", values: [value] };
    });
  } else {
    throw new LabelSelectorError(String(selector), "must be a string or a map of labels");
  }
  return {
    empty: requirements.length === 0,
    matches(labels): boolean {
      for (const r of requirements) if (!test(r, labels)) return false;
      return true;
    },
  };
}
