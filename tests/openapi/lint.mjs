// Lints an OpenAPI document with @apidevtools/swagger-parser: it must validate against the
// OpenAPI 3.1 schema, and every $ref must resolve. Usage: node lint.mjs FILE
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  const operations = Object.values(api.paths).reduce(
    (n, item) => n + Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k)).length, 0);
  console.log(`${file}: valid OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths, ${operations} operations`);
} catch (error) {
  console.error(`${file}: ${error.message}`);
  process.exit(1);
}
