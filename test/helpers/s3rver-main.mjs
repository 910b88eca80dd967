// Runs s3rver (npm, a pure-JS S3 server) on loopback for the tests: node --openssl-legacy-provider
// s3rver-main.mjs DIR PORT BUCKET... — prints "READY <port>" once it listens (port 0: any free port).
import S3rver from 's3rver'
import { mkdirSync } from 'node:fs'

const [dir, port, ...buckets] = process.argv.slice(2)
mkdirSync(dir, { recursive: true })
const server = new S3rver({ directory: dir, address: '127.0.0.1', port: Number(port), silent: true, configureBuckets: buckets.map((name) => ({ name })) })
const { port: actual } = await server.run()
process.stdout.write(`READY ${actual}\n`)
// s3rver's close waits for every open connection, and a client's keep-alive sockets may never close:
// give it half a second, then exit anyway.
process.on('SIGTERM', () => {
  setTimeout(() => process.exit(0), 500).unref()
  server.close().then(() => process.exit(0))
})
