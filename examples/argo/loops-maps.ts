/**
 * Argo's loops-maps.yaml: a fan-out over objects, reading `item.image` and `item.tag`. Upstream runs each
 * image; here the step prints `image:tag` (a template's image cannot come from a parameter).
 */
import { field, forEach, param, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const catOsRelease = shell({
  name: 'cat-os-release',
  image: 'busybox',
  inputs: { image: param(t.string), tag: param(t.string) },
  script: ({ image, tag }) => sh`echo ${image}:${tag}`,
})

const IMAGES = [
  { image: 'debian', tag: '9.1' },
  { image: 'debian', tag: '8.9' },
  { image: 'alpine', tag: '3.6' },
  { image: 'ubuntu', tag: '17.10' },
]

const loopMapExample = subflow({
  name: 'loop-map-example',
  body: () => forEach(IMAGES, (item) => step('test-linux', catOsRelease, { image: field(item, 'image'), tag: field(item, 'tag') })),
})

export default workflow('loops-maps', step('loop-map-example', loopMapExample))
