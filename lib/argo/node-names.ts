/**
 * Argo's node naming (shared by the local API server and the client), so that a runner reports nodes the way Argo's controller names them and a client that
 * reads `status.nodes` finds what it would find on a cluster:
 *
 * - the root node is named as the workflow;
 * - a steps template's groups are `PARENT[i]`, a step in group i is `PARENT[i].STEP`;
 * - a dag's task is `DAG.TASK`;
 * - an expanded item (withItems, withParam, withSequence) is `NAME(i:ITEM)`; a retry's attempt is `NAME(n)`;
 * - a node's id is the workflow's name and the FNV-1a hash of the node's name (`hello-x7k2p-1335831723`),
 *   the root's id is the workflow's name;
 * - a pod is named `WORKFLOW-TEMPLATE-HASH` (Argo's pod names "v2"; the root's pod has the workflow's name).
 *
 * @example
 * ```ts
 * stepNodeName(groupNodeName('hello-x7k2p', 1), 'hello1') // 'hello-x7k2p[1].hello1'
 * nodeId('hello-x7k2p', 'hello-x7k2p[1].hello1')         // 'hello-x7k2p-…' (deterministic)
 * ```
 */

/** FNV-1a, 32 bits, of the UTF-8 bytes of a string. @example fnv32a('hello') // 1335831723 */
export const fnv32a = (s: string): number => {
  let h = 0x811c9dc5
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** A node's id from its name, as Argo's controller makes it. @example nodeId('wf', 'wf') // 'wf' */
export const nodeId = (workflowName: string, nodeName: string): string =>
  nodeName === workflowName ? workflowName : `${workflowName}-${fnv32a(nodeName)}`

/** The name of step group `i` (from 0) of a steps node. @example groupNodeName('wf', 0) // 'wf[0]' */
export const groupNodeName = (stepsNode: string, i: number): string => `${stepsNode}[${i}]`

/** The name of a step inside a step group node. @example stepNodeName('wf[0]', 'hello') // 'wf[0].hello' */
export const stepNodeName = (groupNode: string, step: string): string => `${groupNode}.${step}`

/** The name of a task of a dag node. @example taskNodeName('wf', 'A') // 'wf.A' */
export const taskNodeName = (dagNode: string, task: string): string => `${dagNode}.${task}`

/** An item value as Argo's `Item.String()` prints it: a string as is, anything else as JSON. */
const itemText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/**
 * The name of item `i` of an expanded step or task, as Argo's controller makes it (`processItem`,
 * `generateNodeName`): a string, number or bool as it prints; a map as its `key:value` pairs, sorted and
 * joined with commas; a list as Go prints a slice (`[a b]`); parentheses dropped from the text (the index
 * keeps the name unique).
 *
 * @example
 * ```ts
 * itemNodeName('wf[0].print', 1, 'b')                        // 'wf[0].print(1:b)'
 * itemNodeName('wf.t', 0, { tag: '9.1', image: 'debian' })   // 'wf.t(0:image:debian,tag:9.1)'
 * itemNodeName('wf.t', 2, 'f(x)')                            // 'wf.t(2:fx)'
 * ```
 */
export const itemNodeName = (node: string, i: number, item: unknown): string => {
  const text =
    Array.isArray(item)
      ? `[${item.map(itemText).join(' ')}]`
      : item !== null && typeof item === 'object'
        ? Object.entries(item)
            .map(([k, v]) => `${k}:${itemText(v)}`)
            .sort()
            .join(',')
        : itemText(item)
  return `${node}(${i}:${text.replace(/[()]/g, '')})`
}

/** The name of attempt `n` (from 0) of a retried node. @example attemptNodeName('wf[0].flaky', 1) // 'wf[0].flaky(1)' */
export const attemptNodeName = (retryNode: string, n: number): string => `${retryNode}(${n})`

/** The last part of a node's name, Argo's `displayName`. @example displayNameOf('wf[0].print(1:b)') // 'print(1:b)' */
export const displayNameOf = (nodeName: string): string => {
  // The text after the last '.' that is outside brackets and parentheses; a group's name is '[i]'.
  let depth = 0
  for (let i = nodeName.length - 1; i >= 0; i--) {
    const c = nodeName[i]
    if (c === ')' || c === ']') depth++
    else if (c === '(' || c === '[') {
      depth--
      if (depth === 0 && c === '[' && i > 0 && nodeName.endsWith(']') && nodeName.lastIndexOf('[') === i) return nodeName.slice(i)
    } else if (c === '.' && depth === 0) return nodeName.slice(i + 1)
  }
  return nodeName
}

const MAX_NAME = 253
const HASH_LENGTH = 10

/**
 * A pod's name, as Argo's pod names "v2": the workflow's and the template's names and the hash of the node's
 * name; the prefix is cut so that the name fits Kubernetes' 253 characters.
 *
 * @example
 * ```ts
 * podName('hello-x7k2p', 'hello-x7k2p[0].hello0', 'hello') // 'hello-x7k2p-hello-…'
 * ```
 */
export const podName = (workflowName: string, nodeName: string, templateName: string): string => {
  if (nodeName === workflowName) return workflowName
  let prefix = `${workflowName}-${templateName}`
  if (prefix.length > MAX_NAME - HASH_LENGTH - 1) prefix = prefix.slice(0, MAX_NAME - HASH_LENGTH - 1)
  return `${prefix}-${fnv32a(nodeName)}`
}
