// $(VAR) references in env values, command and args (Kubernetes' third_party/forked/golang/
// expansion): $(NAME) becomes NAME's value when NAME is defined and stays as written otherwise;
// $$ is an escaped $; any other $ is kept.

export type EnvMapping = (name: string) => string;

/** Looks the name up in each map in turn; an unknown name expands to itself, "$(NAME)". */
export function mappingFor(...contexts: readonly ReadonlyMap<string, string>[]): EnvMapping {
  return (name) => {
    for (const vars of contexts) {
      const value = vars.get(name);
      if (value !== undefined) return value;
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: EnvMapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') out += '$';
    else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) out += '$(';
      else {
        out += mapping(input.slice(cursor + 2, close));
        advance = close - cursor;
      }
    } else out += `$${next}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
