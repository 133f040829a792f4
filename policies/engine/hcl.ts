/**
 * cdktf renders `Fn.jsonencode(...)` of values holding references as `${jsonencode({"k" = v, ...})}`: an HCL
 * expression, not JSON. The rules need the document, so this turns such an expression into JSON, keeping every
 * part it cannot evaluate (a reference, a function call) as a "${...}" string, as if the reference were
 * written inside a JSON string. Anything it does not understand makes it give up (undefined), and the rules
 * then report the attribute as undecidable rather than guess.
 */
export function jsonencodeToJson(text: string): string | undefined {
  const m = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(text);
  if (!m) return undefined;
  try {
    const p = new HclParser(m[1]);
    const value = p.value();
    p.ws();
    return p.done() ? JSON.stringify(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One HCL value (object, tuple, string, number, bool, null) as JSON, with every reference or call in it kept as a
 * "${...}" string; undefined when the text is anything else (e.g. has trailing text such as a for's `if` clause).
 */
export function hclValue(text: string): unknown {
  try {
    const p = new HclParser(text);
    const value = p.value();
    p.ws();
    return p.done() ? value : undefined;
  } catch {
    return undefined;
  }
}

class HclParser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.tuple();
    if (c === '"') return this.string();
    const rest = this.s.slice(this.i);
    const lit = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=\s*[,}\])]|\s*$)/.exec(rest);
    if (lit) {
      this.i += lit[1].length;
      return JSON.parse(lit[1]);
    }
    return '${' + this.expression() + '}';
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      let key: string;
      if (this.s[this.i] === '"') key = this.string();
      else {
        const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.i));
        if (!id) throw new Error('object key expected');
        key = id[0];
        this.i += key.length;
      }
      this.ws();
      if (this.s[this.i] !== '=' && this.s[this.i] !== ':') throw new Error('= expected');
      this.i++;
      out[key] = this.value();
      this.ws();
      if (this.s[this.i] === ',') this.i++;
    }
  }

  private tuple(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') throw new Error(', expected');
    }
  }

  /** A quoted HCL string; template interpolations (${...}) are kept verbatim. */
  private string(): string {
    let out = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const n = this.s[this.i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (n in simple) {
          out += simple[n];
          this.i += 2;
        } else if (n === 'u') {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else throw new Error('bad escape');
        continue;
      }
      if (c === '$' && this.s[this.i + 1] === '{') {
        const start = this.i;
        this.i += 2;
        this.expression();
        if (this.s[this.i] !== '}') throw new Error('unterminated interpolation');
        this.i++;
        out += this.s.slice(start, this.i);
        continue;
      }
      out += c;
      this.i++;
    }
    throw new Error('unterminated string');
  }

  /** Raw text of an expression up to the next top-level , } ] or ). */
  private expression(): string {
    const start = this.i;
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      this.i++;
    }
    const text = this.s.slice(start, this.i).trim();
    if (text === '') throw new Error('expression expected');
    return text;
  }
}
