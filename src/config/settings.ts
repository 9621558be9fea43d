import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy, ValidationArguments } from 'class-validator';

/*
 * One way to describe a setting, for the core's settings and every module's: how the variable's
 * text is read, what it accepts, and the one message a bad value gets ("PORT must be an integer
 * between 0 and 65535"), written once. validateSettings (environment.ts) reads a class of them.
 */

export interface SettingRule {
  /** Turns the variable's text into its value; text it cannot read is left for `accepts` to refuse. */
  parse?: (text: string) => unknown;
  /** True for a good value. */
  accepts: (value: unknown) => boolean;
  /** What a good value is, said after "<NAME> must be ". */
  expects: string;
  /** Unset or empty leaves the property undefined. */
  optional?: boolean;
  /** The whole message instead of "<NAME> must be <expects>", for a value that needs its own. */
  problem?: (value: unknown) => string;
}

/** What each settings class declares, by property, in the order declared: for `--help`. */
const declared = new Map<object, Map<string, { expects: string; about?: string }>>();

function declare(
  target: object,
  property: string | symbol,
  facts: { expects?: string; about?: string },
) {
  const properties = declared.get(target.constructor) ?? new Map<string, { expects: string }>();
  const known = properties.get(String(property)) ?? { expects: '' };
  properties.set(String(property), { ...known, ...facts });
  declared.set(target.constructor, properties);
}

/**
 * What the setting does, in a few words ("The HTTP port"): `node dist/main.js --help` prints it
 * with what the setting accepts (its rule's `expects`) and its default, and .env.example says the
 * same (test/settings.e2e-spec.ts). Every setting has one.
 */
export function About(text: string): PropertyDecorator {
  return (target, property) => declare(target, property, { about: text });
}

export interface SettingHelp {
  name: string;
  /** What it does, and what it accepts: "The HTTP port: an integer between 0 and 65535". */
  description: string;
  /** As written in the environment; undefined when unset by default. */
  defaultValue?: string;
}

/** Every setting the classes declare, described, with its default. */
export function describeSettings(classes: readonly (new () => object)[]): SettingHelp[] {
  return classes.flatMap((schema) => {
    const defaults = new schema() as Record<string, unknown>;
    return [
      ...(declared.get(schema) ?? new Map<string, { expects: string; about?: string }>()),
    ].map(([name, { expects, about }]) => ({
      name,
      description: about ? `${about}: ${expects}` : expects,
      defaultValue: asWritten(defaults[name]),
    }));
  });
}

/** Whether every setting of the classes says what it does (@About). */
export function undescribedSettings(classes: readonly (new () => object)[]): string[] {
  return classes.flatMap((schema) =>
    [...(declared.get(schema) ?? new Map<string, { about?: string }>())]
      .filter(([, { about }]) => !about)
      .map(([name]) => name),
  );
}

/** A default as it would be written in the environment (settings are scalars or lists of them). */
function asWritten(value: unknown): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.join(',');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function Setting(rule: SettingRule): PropertyDecorator {
  const { parse, accepts, expects, optional = false, problem } = rule;
  const read = ({ value }: { value: unknown }) => {
    if (typeof value !== 'string') {
      return value;
    }
    if (optional && value.trim() === '') {
      return undefined;
    }
    return parse ? parse(value) : value;
  };
  const message = ({ property, value }: ValidationArguments) =>
    problem?.(value) ?? `${property} must be ${expects}`;
  return applyDecorators(
    Transform(read),
    ...(optional ? [IsOptional()] : []),
    ValidateBy({ name: 'setting', validator: { validate: accepts } }, { message }),
    (target: object, property: string | symbol) => declare(target, property, { expects }),
  );
}

const INTEGER = /^-?\d+$/;
const NUMBER_LIST = /^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/;
const TRUE = ['true', '1', 'yes'];
const FALSE = ['false', '0', 'no'];

const readInteger = (text: string) => (INTEGER.test(text.trim()) ? Number(text) : text);

export interface IntegerRange {
  min: number;
  /** No upper bound when left out. */
  max?: number;
  /** What the numbers count ("days": "an integer number of days between 7 and 3650"). */
  unit?: string;
  /** Another wording of what is accepted, range included. */
  expects?: string;
  optional?: boolean;
}

/** A whole number within [min, max]. */
export function IntegerSetting({ min, max, unit, expects, optional }: IntegerRange) {
  const kind = unit ? `an integer number of ${unit}` : 'an integer';
  return Setting({
    parse: readInteger,
    accepts: (value) =>
      Number.isSafeInteger(value) &&
      (value as number) >= min &&
      (max === undefined || (value as number) <= max),
    expects:
      expects ??
      (max === undefined ? `${kind} (${min} or more)` : `${kind} between ${min} and ${max}`),
    optional,
  });
}

/** true/false, also written 1/0 or yes/no, in any case. */
export function BooleanSetting() {
  return Setting({
    parse: (text) => {
      const word = text.trim().toLowerCase();
      return TRUE.includes(word) ? true : FALSE.includes(word) ? false : text;
    },
    accepts: (value) => typeof value === 'boolean',
    expects: 'true or false',
  });
}

/** One of `values`, as written. */
export function OneOfSetting(
  values: readonly string[],
  options: { expects?: string; optional?: boolean } = {},
) {
  return Setting({
    accepts: (value) => typeof value === 'string' && values.includes(value),
    expects: options.expects ?? `one of ${values.join(', ')}`,
    optional: options.optional,
  });
}

/** Text between `minLength` and `maxLength` characters, matching `pattern` when one is given. */
export function TextSetting(options: {
  expects: string;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  optional?: boolean;
}) {
  const { expects, minLength = 1, maxLength = Infinity, pattern, optional } = options;
  return Setting({
    accepts: (value) =>
      typeof value === 'string' &&
      value.length >= minLength &&
      value.length <= maxLength &&
      (pattern === undefined || pattern.test(value)),
    expects,
    optional,
  });
}

/** Comma-separated numbers: `count` of them, each within `min` to `max`. */
export function NumberListSetting(options: {
  expects: string;
  min: number;
  max: number;
  count: { min: number; max: number };
  integers?: boolean;
  distinct?: boolean;
}) {
  const { expects, min, max, count, integers = false, distinct = false } = options;
  return Setting({
    parse: (text) => (NUMBER_LIST.test(text) ? text.split(',').map(Number) : text),
    accepts: (value) =>
      Array.isArray(value) &&
      value.length >= count.min &&
      value.length <= count.max &&
      (!distinct || new Set(value).size === value.length) &&
      value.every(
        (item) =>
          typeof item === 'number' &&
          (!integers || Number.isInteger(item)) &&
          item >= min &&
          item <= max,
      ),
    expects,
  });
}
