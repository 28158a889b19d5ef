// Open a data package with the npm `datapackage` reader and print, as JSON, each table's row count
// (rows read with their declared types, foreign keys checked) or the error it stopped at.
// Usage: node read-package.js path/to/datapackage.json
const { Package } = require('datapackage')

async function main () {
  const pkg = await Package.load(process.argv[2])
  const out = { valid: pkg.valid, errors: pkg.errors.map(String), tables: {} }
  for (const resource of pkg.resources) {
    try {
      const rows = await resource.read({ keyed: true, relations: true })
      out.tables[resource.name] = { rows: rows.length }
    } catch (error) {
      out.tables[resource.name] = { error: String(error), details: (error.errors || []).slice(0, 3).map(String) }
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch(error => { process.stderr.write(String(error) + '\n'); process.exit(1) })
