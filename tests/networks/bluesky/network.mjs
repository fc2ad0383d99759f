// A real Bluesky network for the watch's tests: @atproto/dev-env's TestNetwork (PLC, PDS,
// AppView) on PostgreSQL and Redis. It prints one JSON line with its addresses, then
// answers each "process" line on stdin with "processed" once the AppView has indexed
// everything written so far, so the tests wait for the network, never for the clock.
import readline from 'node:readline'
import { TestNetwork } from '@atproto/dev-env'

const network = await TestNetwork.create({ dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA })
console.log(JSON.stringify({ pds: network.pds.url, appview: network.bsky.url }))

const lines = readline.createInterface({ input: process.stdin })
for await (const line of lines) {
  if (line.trim() === 'process') {
    await network.processAll()
    console.log('processed')
  }
}
await network.close()
process.exit(0)
