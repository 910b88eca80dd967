import jsyaml from 'js-yaml'

/**
 * YAML 1.2's core schema as the `yaml` library resolves plain scalars (its `core` schema: the same tests, the same
 * values), written for js-yaml, whose reader is about six times faster on a manifest of a few hundred steps. js-yaml's
 * own core schema is not this one: it also reads YAML 1.1's forms (`1_000`, `0b101`, `+.5e3`…) as numbers.
 */
const CORE_AS_YAML_READS = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (s: string) => /^(?:~|[Nn]ull|NULL)?$/.test(s), construct: () => null }),
    new jsyaml.Type('tag:yaml.org,2002:bool', { kind: 'scalar', resolve: (s: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s), construct: (s: string) => s[0] === 't' || s[0] === 'T' }),
    new jsyaml.Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (s: string) => /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(s),
      construct: (s: string) => (s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
    }),
    new jsyaml.Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (s: string) => /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/.test(s),
      construct: (s: string) => (/nan$/i.test(s) ? NaN : /inf$/i.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : parseFloat(s)),
    }),
  ],
})

/**
 * Every document of a YAML text read the quick way (js-yaml, with the `yaml` library's core schema; a duplicate key
 * keeps its last value), or undefined where js-yaml stops: the caller then reads it with the `yaml` library, whose
 * reading (and error messages) is the reference. A differential test holds the two to the same values on every
 * manifest of the project and of Argo's examples.
 *
 * @example
 * ```ts
 * fastDocuments('kind: Workflow\n---\nn: 0x10\n') // [{ kind: 'Workflow' }, { n: 16 }]
 * fastDocuments('a: [1\n') // undefined
 * ```
 */
export const fastDocuments = (text: string): unknown[] | undefined => {
  try {
    return jsyaml.loadAll(text, undefined, { schema: CORE_AS_YAML_READS, json: true })
  } catch {
    return undefined
  }
}
